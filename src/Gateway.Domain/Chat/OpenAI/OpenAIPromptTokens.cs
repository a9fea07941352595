using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A tiktoken encoding of OpenAI's chat models: its name (as tiktoken and Microsoft.ML.Tokenizers call it)
/// and how its models frame tools. The two below are all there are for OpenAI's chat families.
/// </summary>
public sealed class OpenAIEncoding
{
    /// <summary>gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series: the cookbook's gpt-4o tool framing (7 tokens to open a function).</summary>
    public static readonly OpenAIEncoding O200kBase = new("o200k_base", new ToolFraming(7, 3, 3, -3, 3, 12));

    /// <summary>gpt-4 (turbo included) and gpt-3.5-turbo: the cookbook's gpt-4 tool framing (10 tokens to open a function).</summary>
    public static readonly OpenAIEncoding Cl100kBase = new("cl100k_base", new ToolFraming(10, 3, 3, -3, 3, 12));

    private OpenAIEncoding(string name, ToolFraming tools) => (Name, Tools) = (name, tools);

    public string Name { get; }

    internal ToolFraming Tools { get; }

    public override string ToString() => Name;
}

/// <summary>Tokens a family spends on the framing of tool definitions, as OpenAI's cookbook measured them.</summary>
internal sealed record ToolFraming(int FunctionStart, int PropertiesStart, int PerProperty, int EnumStart, int PerEnumValue, int FunctionsEnd);

/// <summary>
/// A chat prompt's tokens as OpenAI counts them, for OpenAI's own model families, given the family's
/// tokenizer. OpenAI publishes no rule; this follows its cookbook ("How to count tokens with tiktoken"),
/// which matches the API's counts for its examples: each message costs 3 tokens of framing plus its
/// role and content (a name 1 more), the reply is primed with 3, and each tool costs a fixed framing plus
/// <c>name:description</c> and a <c>name:type:description</c> line per parameter (enum values apart).
/// Where the cookbook stops, this goes on the same way and is an approximation: parameters nested in
/// objects and arrays count like top-level ones, an assistant's tool calls count their name and
/// arguments, an image counts <see cref="TokensPerImage"/>, and tool_choice and response_format count nothing.
/// </summary>
public static class OpenAIPromptTokens
{
    /// <summary>OpenAI's figure for a 1024 × 1024 image at high detail (85 + 170 per 512-pixel tile); the gateway does not decode images.</summary>
    public const int TokensPerImage = 765;

    private const int PerMessage = 3;
    private const int PerName = 1;
    private const int ReplyPriming = 3;

    /// <summary>Model families by name, as tiktoken maps them (Microsoft.ML.Tokenizers has the same table).</summary>
    private static readonly (string Family, OpenAIEncoding Encoding)[] Families =
    [
        ("gpt-4o", OpenAIEncoding.O200kBase), ("chatgpt-4o", OpenAIEncoding.O200kBase), ("gpt-4.1", OpenAIEncoding.O200kBase),
        ("gpt-4.5", OpenAIEncoding.O200kBase), ("gpt-5", OpenAIEncoding.O200kBase), ("o1", OpenAIEncoding.O200kBase),
        ("o3", OpenAIEncoding.O200kBase), ("o4-mini", OpenAIEncoding.O200kBase),
        ("gpt-4", OpenAIEncoding.Cl100kBase), ("gpt-3.5-turbo", OpenAIEncoding.Cl100kBase), ("gpt-35-turbo", OpenAIEncoding.Cl100kBase),
    ];

    /// <summary>
    /// The encoding of an OpenAI chat model, or null for any other model. A name belongs to the longest
    /// family it equals or extends at a '-' or '.' (<c>gpt-4o-mini-2024-07-18</c>, <c>gpt-5.1</c>), after a
    /// router's vendor prefix (<c>openai/gpt-4o</c>) and a fine-tune's wrapping (<c>ft:gpt-4o-mini:org::id</c>).
    /// </summary>
    public static OpenAIEncoding? EncodingOf(string model)
    {
        var name = model[(model.LastIndexOf('/') + 1)..];
        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
            name = name[3..].Split(':')[0];
        (string Family, OpenAIEncoding Encoding)? best = null;
        foreach (var family in Families)
        {
            var extends = name.Length == family.Family.Length || (name.Length > family.Family.Length && name[family.Family.Length] is '-' or '.');
            if (extends && name.StartsWith(family.Family, StringComparison.OrdinalIgnoreCase) && family.Family.Length > (best?.Family.Length ?? 0))
                best = family;
        }

        return best?.Encoding;
    }

    /// <summary>The prompt tokens of an OpenAI chat completions request (its <c>messages</c> and <c>tools</c>).</summary>
    /// <param name="tokens">The family's tokenizer: the number of tokens of a text.</param>
    public static int Count(JsonObject request, OpenAIEncoding encoding, Func<string, int> tokens)
    {
        var count = ReplyPriming;
        foreach (var message in (request["messages"] as JsonArray ?? []).OfType<JsonObject>())
            count += Message(message, tokens);
        var tools = (request["tools"] as JsonArray ?? []).Select(t => t?["function"]).OfType<JsonObject>().ToList();
        if (tools.Count == 0)
            return count;
        return count + tools.Sum(t => Function(t, encoding.Tools, tokens)) + encoding.Tools.FunctionsEnd;
    }

    private static int Message(JsonObject message, Func<string, int> tokens)
    {
        var count = PerMessage;
        foreach (var (field, value) in message)
        {
            count += field switch
            {
                "tool_calls" => (value as JsonArray ?? []).Sum(call => tokens(Text(call?["function"]?["name"])) + tokens(Text(call?["function"]?["arguments"]))),
                "content" when value is JsonArray parts => parts.Sum(part => (string?)part?["type"] == "image_url" ? TokensPerImage : tokens(Text(part?["text"]))),
                _ => tokens(Text(value)),
            };
            if (field == "name")
                count += PerName;
        }

        return count;
    }

    private static int Function(JsonObject function, ToolFraming framing, Func<string, int> tokens) =>
        framing.FunctionStart + tokens($"{Text(function["name"])}:{WithoutFinalStop(Text(function["description"]))}")
        + Properties(function["parameters"], framing, tokens);

    private static int Properties(JsonNode? schema, ToolFraming framing, Func<string, int> tokens)
    {
        var count = schema?["items"] is JsonObject items ? Properties(items, framing, tokens) : 0;
        if (schema?["properties"] is not JsonObject { Count: > 0 } properties)
            return count;
        count += framing.PropertiesStart;
        foreach (var (name, property) in properties)
        {
            count += framing.PerProperty + tokens($"{name}:{Text(property?["type"])}:{WithoutFinalStop(Text(property?["description"]))}");
            if (property?["enum"] is JsonArray values)
                count += framing.EnumStart + values.Sum(v => framing.PerEnumValue + tokens(Text(v)));
            count += Properties(property, framing, tokens);
        }

        return count;
    }

    /// <summary>A string field's text; any other value as its JSON (a number, a type list), nothing for null.</summary>
    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (string)v!,
        _ => node.ToJsonString(),
    };

    private static string WithoutFinalStop(string text) => text.EndsWith('.') ? text[..^1] : text;
}
