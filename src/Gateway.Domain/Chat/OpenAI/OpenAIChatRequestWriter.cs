using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// An OpenAI-compatible upstream reached from another dialect: the canonical request written as a chat
/// completion, and its answers and chunks read back. Chosen for the widest compatibility:
/// <list type="bullet">
/// <item>The output cap goes out as <c>max_tokens</c>, which every compatible server reads; with a reasoning
/// effort it goes out as <c>max_completion_tokens</c>, which OpenAI's reasoning models require instead.</item>
/// <item>A stream always asks for the usage chunk, so the answer's tokens are known exactly.</item>
/// <item>Reasoning text is read as thinking from <c>reasoning_content</c> (DeepSeek, vLLM) or, failing that,
/// <c>reasoning</c> (OpenRouter), on the message and on stream deltas.</item>
/// </list>
/// </summary>
public static partial class OpenAIChat
{
    public static JsonObject WriteRequest(ChatRequest request, string model)
    {
        var messages = new JsonArray();
        if (request.System is not null)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = request.System });
        foreach (var message in request.Messages)
            messages.Add(Message(message));

        var body = new JsonObject { ["model"] = model, ["messages"] = messages };
        if (request.MaxTokens is { } max)
            body[request.Reasoning is null ? "max_tokens" : "max_completion_tokens"] = max;
        if (request.Temperature is { } temperature)
            body["temperature"] = temperature;
        if (request.TopP is { } topP)
            body["top_p"] = topP;
        if (request.Stop.Count > 0)
            body["stop"] = new JsonArray([.. request.Stop.Select(s => (JsonNode)s)]);
        if (request.Tools.Count > 0)
        {
            body["tools"] = new JsonArray([.. request.Tools.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = t.Name, ["description"] = t.Description, ["parameters"] = JsonNode.Parse(t.ParametersJson) },
            })]);
            body["tool_choice"] = request.ToolChoice?.Kind switch
            {
                ToolChoiceKind.None => "none",
                ToolChoiceKind.Required => "required",
                ToolChoiceKind.Named => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = request.ToolChoice.Name } },
                ToolChoiceKind.Auto => "auto",
                _ => null,
            };
            if (body["tool_choice"] is null)
                body.Remove("tool_choice");
            if (request.ParallelToolCalls is { } parallel)
                body["parallel_tool_calls"] = parallel;
        }

        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
        {
            body["response_format"] = format.SchemaJson is null
                ? new JsonObject { ["type"] = "json_object" }
                : new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = format.Name ?? "response", ["schema"] = JsonNode.Parse(format.SchemaJson) } };
        }

        if (request.Reasoning is { } effort)
            body["reasoning_effort"] = effort.ToString().ToLowerInvariant();
        if (request.User is not null)
            body["user"] = request.User;
        if (request.Stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body;
    }

    public static ChatResponse ReadResponse(JsonElement root)
    {
        var parts = new List<ChatPart>();
        string? finish = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (choice.TryGetProperty("message", out var message))
            {
                if (Reasoning(message) is { } reasoning)
                    parts.Add(new ThinkingPart(reasoning));
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                    parts.Add(new TextPart(text));
                foreach (var call in Calls(message))
                {
                    var function = call.GetProperty("function");
                    parts.Add(new ToolCallPart(String(call, "id") ?? "", String(function, "name") ?? "", String(function, "arguments") ?? "{}"));
                }
            }
        }

        return new ChatResponse(String(root, "id") ?? "chatcmpl-gateway", String(root, "model") ?? "", parts, ReadFinish(finish), ReadUsage(root) ?? ChatUsage.None);
    }

    /// <summary>
    /// Reads <c>usage</c> from a response or chunk object; null when it has none. prompt_tokens already counts the
    /// cache reads of <c>prompt_tokens_details.cached_tokens</c>; OpenAI reports no cache writes (it bills none).
    /// </summary>
    public static ChatUsage? ReadUsage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
            return null;
        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("cached_tokens", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        int Read(string name) => usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
        return new ChatUsage(Read("prompt_tokens"), Read("completion_tokens"), cached);
    }

    /// <summary>
    /// Reads chat completion chunks. The finish reason comes a chunk before the usage: the finish is
    /// held until the usage arrives (or the stream ends), so it is reported once with both.
    /// </summary>
    public sealed class StreamReader : IChatStreamReader
    {
        private bool _started;
        private bool _finished;
        private FinishReason? _reason;
        private readonly Dictionary<int, string> _callIds = [];

        public IEnumerable<ChatDelta> Read(string eventType, JsonElement data)
        {
            if (_finished)
                yield break;
            if (!_started)
            {
                _started = true;
                yield return new StreamStarted(String(data, "id") ?? "chatcmpl-gateway", String(data, "model") ?? "", null);
            }

            if (data.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if (choice.TryGetProperty("delta", out var delta))
                {
                    if (Reasoning(delta) is { } reasoning)
                        yield return new ThinkingDelta(reasoning);
                    if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                        yield return new TextDelta(text);
                    foreach (var call in Calls(delta))
                    {
                        var index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : _callIds.Count;
                        var function = call.TryGetProperty("function", out var fn) ? fn : default;
                        if (String(call, "id") is { Length: > 0 } id && !_callIds.ContainsKey(index))
                        {
                            _callIds[index] = id;
                            yield return new ToolCallStarted(index, id, function.ValueKind == JsonValueKind.Object ? String(function, "name") ?? "" : "");
                        }

                        if (function.ValueKind == JsonValueKind.Object && String(function, "arguments") is { Length: > 0 } arguments)
                            yield return new ToolCallArgumentsDelta(index, arguments);
                    }
                }

                if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
                    _reason = ReadFinish(finish.GetString());
            }

            if (ReadUsage(data) is { } usage)
            {
                _finished = true;
                yield return new StreamFinished(_reason, usage);
            }
        }

        public IEnumerable<ChatDelta> Complete()
        {
            if (_started && !_finished && _reason is not null)
            {
                _finished = true;
                yield return new StreamFinished(_reason, null);
            }
        }
    }

    private static JsonObject Message(ChatMessage message)
    {
        switch (message.Role)
        {
            case ChatRole.Tool:
                var result = message.Parts.OfType<ToolResultPart>().First();
                return new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.ToolCallId, ["content"] = result.Content };
            case ChatRole.Assistant:
                var text = string.Concat(message.Parts.OfType<TextPart>().Select(p => p.Text));
                var calls = message.Parts.OfType<ToolCallPart>().ToList();
                var assistant = new JsonObject { ["role"] = "assistant", ["content"] = text.Length == 0 && calls.Count > 0 ? null : text };
                if (calls.Count > 0)
                    assistant["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)ToolCall(c.Id, c.Name, c.ArgumentsJson))]);
                return assistant;
            default:
                JsonNode content = message.Parts.All(p => p is TextPart)
                    ? string.Concat(message.Parts.OfType<TextPart>().Select(p => p.Text))
                    : new JsonArray([.. message.Parts.Select(UserPart).OfType<JsonNode>()]);
                return new JsonObject { ["role"] = "user", ["content"] = content };
        }
    }

    private static JsonObject? UserPart(ChatPart part) => part switch
    {
        TextPart text => new JsonObject { ["type"] = "text", ["text"] = text.Text },
        ImagePart { Base64Data: { } data } image => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = $"data:{image.MediaType};base64,{data}" } },
        ImagePart { Url: { } url } => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } },
        _ => null,
    };

    /// <summary>A message's or delta's reasoning text: <c>reasoning_content</c> (DeepSeek, vLLM), else <c>reasoning</c> (OpenRouter); null when empty.</summary>
    private static string? Reasoning(JsonElement message) =>
        String(message, "reasoning_content") is { Length: > 0 } content ? content
        : String(message, "reasoning") is { Length: > 0 } reasoning ? reasoning
        : null;

    private static JsonElement.ArrayEnumerator Calls(JsonElement message) =>
        message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array ? calls.EnumerateArray() : default;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static FinishReason? ReadFinish(string? reason) => reason switch
    {
        "stop" => FinishReason.Stop,
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => null,
    };
}
