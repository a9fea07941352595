namespace Gateway.Domain.Chat.Anthropic;

/// <summary>How a JSON schema the client asked for reaches an Anthropic upstream.</summary>
public enum StructuredOutputs
{
    /// <summary>Anthropic's structured outputs (<c>output_config.format</c>): the answer is held to the schema.</summary>
    Native,

    /// <summary>A system instruction with the schema, for servers that speak Anthropic's API without structured outputs.</summary>
    Prompt,
}
