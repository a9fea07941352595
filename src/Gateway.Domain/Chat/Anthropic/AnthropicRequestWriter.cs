using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// Anthropic's Messages API, to and from the canonical model. What Anthropic has no field for is
/// mapped to the nearest behaviour and said so here:
/// <list type="bullet">
/// <item>max_tokens is required by Anthropic: absent, it becomes <see cref="DefaultMaxTokens"/>.</item>
/// <item>A JSON schema goes out as Anthropic's structured outputs (<c>output_config.format</c> of type json_schema), the schema
/// made what Anthropic takes (<see cref="AnthropicSchema"/>). JSON mode without a schema has no native form, since Anthropic
/// requires every object of a schema to be closed and so cannot be asked for "any object": it becomes a system instruction,
/// as a schema does too where the provider is set to <see cref="StructuredOutputs.Prompt"/>.</item>
/// <item>An exact thinking budget is kept (at least Anthropic's 1024); an effort becomes an extended-thinking budget. Thinking blocks
/// come back as thinking, with their signature on the part (a stream's signature_delta is not kept: only Anthropic could check it);
/// redacted_thinking blocks, which hold no readable text, are dropped.</item>
/// <item>Tool results are user messages of tool_result blocks; consecutive ones are merged, as Anthropic requires.</item>
/// </list>
/// </summary>
public static partial class AnthropicMessages
{
    public const int DefaultMaxTokens = 4096;

    /// <param name="structuredOutputs">How a JSON schema is asked for: natively, or (for Anthropic-compatible servers without structured outputs) in the prompt.</param>
    public static JsonObject WriteRequest(ChatRequest request, string model, StructuredOutputs structuredOutputs = StructuredOutputs.Native)
    {
        var system = request.System;
        JsonObject? outputFormat = null;
        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
        {
            if (format.SchemaJson is { } schema && structuredOutputs == StructuredOutputs.Native)
            {
                outputFormat = new JsonObject { ["type"] = "json_schema", ["schema"] = AnthropicSchema.ForStructuredOutputs(JsonNode.Parse(schema)!) };
            }
            else
            {
                var instruction = format.SchemaJson is null
                    ? "Respond with a single JSON object and nothing else."
                    : $"Respond with a single JSON object that conforms to this JSON Schema, and nothing else: {format.SchemaJson}";
                system = system is null ? instruction : system + "\n\n" + instruction;
            }
        }

        // Anthropic's smallest thinking budget is 1024 tokens; 0 leaves thinking off.
        var thinking = request.ThinkingBudget is { } budget ? budget > 0 ? Math.Max(budget, 1024) : 0 : request.Reasoning switch
        {
            ReasoningEffort.Low => 1024,
            ReasoningEffort.Medium => 4096,
            ReasoningEffort.High => 16384,
            _ => 0,
        };
        var maxTokens = request.MaxTokens ?? DefaultMaxTokens;
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = thinking > 0 ? Math.Max(maxTokens, thinking + 1024) : maxTokens,
            ["messages"] = Messages(request.Messages),
        };
        if (system is not null)
            body["system"] = system;
        if (request.Temperature is { } temperature && thinking == 0)
            body["temperature"] = Math.Min(temperature, 1.0);
        if (request.TopP is { } topP && thinking == 0)
            body["top_p"] = topP;
        if (request.Stop.Count > 0)
            body["stop_sequences"] = new JsonArray([.. request.Stop.Select(s => (JsonNode)s)]);
        if (thinking > 0)
            body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = thinking };
        if (outputFormat is not null)
            body["output_config"] = new JsonObject { ["format"] = outputFormat };
        if (request.User is not null)
            body["metadata"] = new JsonObject { ["user_id"] = request.User };
        if (request.Stream)
            body["stream"] = true;
        if (request.Tools.Count > 0 && request.ToolChoice?.Kind != ToolChoiceKind.None)
        {
            body["tools"] = new JsonArray([.. request.Tools.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["description"] = t.Description,
                ["input_schema"] = JsonNode.Parse(t.ParametersJson),
            })]);
            JsonObject? choice = request.ToolChoice?.Kind switch
            {
                ToolChoiceKind.Required => new JsonObject { ["type"] = "any" },
                ToolChoiceKind.Named => new JsonObject { ["type"] = "tool", ["name"] = request.ToolChoice.Name },
                ToolChoiceKind.Auto => new JsonObject { ["type"] = "auto" },
                _ => null,
            };
            if (request.ParallelToolCalls == false)
                (choice ??= new JsonObject { ["type"] = "auto" })["disable_parallel_tool_use"] = true;
            if (choice is not null)
                body["tool_choice"] = choice;
        }

        return body;
    }

    public static ChatResponse ReadResponse(JsonElement root)
    {
        var parts = new List<ChatPart>();
        foreach (var block in root.GetProperty("content").EnumerateArray())
        {
            switch (block.GetProperty("type").GetString())
            {
                case "text":
                    parts.Add(new TextPart(block.GetProperty("text").GetString() ?? ""));
                    break;
                case "tool_use":
                    parts.Add(new ToolCallPart(block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!, block.GetProperty("input").GetRawText()));
                    break;
                case "thinking":
                    parts.Add(new ThinkingPart(
                        block.TryGetProperty("thinking", out var thinking) ? thinking.GetString() ?? "" : "",
                        block.TryGetProperty("signature", out var signature) ? signature.GetString() : null));
                    break;
            }
        }

        return new ChatResponse(
            root.GetProperty("id").GetString()!,
            root.GetProperty("model").GetString()!,
            parts,
            Finish(root.TryGetProperty("stop_reason", out var reason) ? reason.GetString() : null),
            Usage(root.GetProperty("usage")));
    }

    /// <summary>
    /// Reads one streamed event. Anthropic numbers content blocks (text, thinking, tool_use) together;
    /// OpenAI numbers tool calls alone, so the reader keeps the mapping for the stream it reads.
    /// </summary>
    public sealed class StreamReader : IChatStreamReader
    {
        private readonly Dictionary<int, int> _toolIndexByBlock = [];
        private ChatUsage? _usage;

        public IEnumerable<ChatDelta> Complete() => [];

        public IEnumerable<ChatDelta> Read(string eventType, JsonElement data)
        {
            switch (eventType)
            {
                case "message_start":
                    var message = data.GetProperty("message");
                    _usage = message.TryGetProperty("usage", out var started) ? Usage(started) : null;
                    yield return new StreamStarted(message.GetProperty("id").GetString()!, message.GetProperty("model").GetString()!, _usage);
                    break;
                case "content_block_start":
                    var block = data.GetProperty("content_block");
                    if (block.GetProperty("type").GetString() == "tool_use")
                    {
                        var index = _toolIndexByBlock.Count;
                        _toolIndexByBlock[data.GetProperty("index").GetInt32()] = index;
                        yield return new ToolCallStarted(index, block.GetProperty("id").GetString()!, block.GetProperty("name").GetString()!);
                    }

                    break;
                case "content_block_delta":
                    var delta = data.GetProperty("delta");
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "text_delta":
                            yield return new TextDelta(delta.GetProperty("text").GetString() ?? "");
                            break;
                        case "thinking_delta":
                            yield return new ThinkingDelta(delta.GetProperty("thinking").GetString() ?? "");
                            break;
                        case "input_json_delta" when _toolIndexByBlock.TryGetValue(data.GetProperty("index").GetInt32(), out var tool):
                            yield return new ToolCallArgumentsDelta(tool, delta.GetProperty("partial_json").GetString() ?? "");
                            break;
                    }

                    break;
                case "message_delta":
                    // Without usage here the output is unknown: the relay estimates it.
                    ChatUsage? finished = null;
                    if (data.TryGetProperty("usage", out var latest) && latest.ValueKind == JsonValueKind.Object)
                        finished = _usage = Usage(latest, _usage);
                    yield return new StreamFinished(Finish(data.GetProperty("delta").TryGetProperty("stop_reason", out var r) ? r.GetString() : null), finished);
                    break;
                case "error":
                    yield return new StreamFailed(data.TryGetProperty("error", out var e) && e.TryGetProperty("message", out var m) ? m.GetString() ?? "upstream error" : "upstream error");
                    break;
            }
        }
    }

    private static JsonArray Messages(IReadOnlyList<ChatMessage> messages)
    {
        var result = new JsonArray();
        JsonObject? previous = null;
        foreach (var message in messages)
        {
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = new JsonArray([.. message.Parts.Select(Block).OfType<JsonNode>()]);
            // Anthropic wants roles to alternate: tool results after tool results (or a user turn) join it.
            if (previous is not null && (string?)previous["role"] == role && role == "user")
            {
                foreach (var block in blocks.ToList())
                {
                    blocks.Remove(block);
                    ((JsonArray)previous["content"]!).Add(block);
                }

                continue;
            }

            previous = new JsonObject { ["role"] = role, ["content"] = blocks };
            result.Add(previous);
        }

        return result;
    }

    private static JsonObject? Block(ChatPart part) => part switch
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
    /// Tool input must be a JSON object. Arguments some OpenAI-compatible model produced broken are kept,
    /// as text under "arguments", rather than failing the whole answer or vanishing.
    /// </summary>
    private static JsonNode Input(string argumentsJson)
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

    private static FinishReason? Finish(string? stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" or "pause_turn" => FinishReason.Stop,
        "max_tokens" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        _ => null,
    };

    /// <summary>
    /// Anthropic's usage object in canonical counts. Anthropic's input_tokens leaves out cache reads
    /// (cache_read_input_tokens) and cache writes (cache_creation_input_tokens); the canonical prompt holds all three.
    /// Newer API versions split the writes by lifetime (cache_creation.ephemeral_5m_input_tokens and
    /// ephemeral_1h_input_tokens); without that split every write is a 5-minute one, Anthropic's default lifetime.
    /// </summary>
    /// <param name="earlier">
    /// What the stream reported before (message_start), for a message_delta: each count it leaves out keeps its earlier
    /// value, and each it gives is the latest (older API versions repeat only output_tokens there, newer ones the input
    /// and cache counts too, cumulative, but never the lifetime split, so the earlier 1-hour part stands).
    /// </param>
    public static ChatUsage Usage(JsonElement usage, ChatUsage? earlier = null)
    {
        var before = earlier ?? ChatUsage.None;
        var split = usage.TryGetProperty("cache_creation", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var input = Count(usage, "input_tokens") ?? before.UncachedPromptTokens;
        var reads = Count(usage, "cache_read_input_tokens") ?? before.CachedTokens;
        var writes = Count(usage, "cache_creation_input_tokens")
            ?? (split.ValueKind == JsonValueKind.Object ? (Count(split, "ephemeral_5m_input_tokens") ?? 0) + (Count(split, "ephemeral_1h_input_tokens") ?? 0) : before.CacheWriteTokens);
        var oneHour = Math.Clamp(Count(split, "ephemeral_1h_input_tokens") ?? before.CacheWrite1hTokens, 0, writes);
        return new ChatUsage(input + reads + writes, Count(usage, "output_tokens") ?? before.CompletionTokens, reads, writes - oneHour, oneHour);
    }

    /// <summary>A token count; null when absent, null, or not an object's number (count fields Anthropic may leave out or send as null).</summary>
    private static int? Count(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}

/// <summary>How a JSON schema the client asked for reaches an Anthropic upstream.</summary>
public enum StructuredOutputs
{
    /// <summary>Anthropic's structured outputs (<c>output_config.format</c>): the answer is held to the schema.</summary>
    Native,

    /// <summary>A system instruction with the schema, for servers that speak Anthropic's API without structured outputs.</summary>
    Prompt,
}
