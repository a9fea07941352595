using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>The content block each canonical part becomes, in a request to Anthropic and in an answer to an Anthropic client alike.</summary>
internal static class AnthropicBlocks
{
    public static JsonObject? Write(ChatPart part) => part switch
    {
        TextPart text when text.Text.Length > 0 => new JsonObject { ["type"] = "text", ["text"] = text.Text },
        ImagePart { Base64Data: { } data } image => new JsonObject
        {
            ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = image.MediaType, ["data"] = data },
        },
        ImagePart { Url: { } url } => new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = url } },
        ToolCallPart call => new JsonObject
        {
            ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = Input(call.ArgumentsJson),
        },
        ToolResultPart result => new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = result.ToolCallId, ["content"] = result.Content },
        _ => null,
    };

    /// <summary>
    /// A thinking block of translated thinking. Its signature is empty: no signature can be made for thinking
    /// that did not come from Anthropic, and a made-up one would fail Anthropic's check were the block ever
    /// replayed there. An empty string keeps the block's shape (the SDKs and Claude Code read the field), and
    /// the gateway drops thinking blocks of earlier turns when it reads a request, so it is never checked.
    /// </summary>
    public static JsonObject Thinking(string text) => new() { ["type"] = "thinking", ["thinking"] = text, ["signature"] = "" };

    /// <summary>
    /// Tool input must be a JSON object. Arguments some OpenAI-compatible model produced broken are kept,
    /// as text under "arguments", rather than failing the whole answer or vanishing.
    /// </summary>
    public static JsonNode Input(string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
            return new JsonObject();
        try
        {
            return JsonNode.Parse(argumentsJson) as JsonObject ?? new JsonObject { ["arguments"] = argumentsJson };
        }
        catch (JsonException)
        {
            return new JsonObject { ["arguments"] = argumentsJson };
        }
    }
}
