using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The canonical request as a chat completions request, for an OpenAI-compatible upstream reached from another
/// dialect (the upstream side). Chosen for the widest compatibility:
/// <list type="bullet">
/// <item>The output cap goes out as <c>max_tokens</c>, which every compatible server reads; with a reasoning
/// effort it goes out as <c>max_completion_tokens</c>, which OpenAI's reasoning models require instead.</item>
/// <item>A stream always asks for the usage chunk, so the answer's tokens are known exactly.</item>
/// <item>Gateway tool calls of earlier turns go out as the function calls and results they were (<see cref="ServerToolHistory"/>).</item>
/// </list>
/// </summary>
public static class OpenAIChatRequestWriter
{
    public static JsonObject Write(ChatRequest request, string model)
    {
        var messages = new JsonArray();
        if (request.System is not null)
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = request.System });
        foreach (var message in ServerToolHistory.ForUpstream(request))
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
                    assistant["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)OpenAIChatResponseWriter.ToolCall(c.Id, c.Name, c.ArgumentsJson))]);
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
}
