using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A Responses request's <c>instructions</c> and <c>input</c> items as the canonical system prompt and messages. The
/// instructions, then system and developer messages, join into the system prompt in order. A string input is one user
/// message. The model's items echoed back (assistant messages, function and custom tool calls, the gateway's tool items)
/// join into one assistant turn until something else comes; each tool output is a turn of its own. Calls come back by
/// their <c>call_id</c>, apart from the Gemini thought signature the gateway put inside it (<see cref="SignedToolCallId"/>).
/// Reasoning items are dropped: their encrypted content means something only to OpenAI. Refused, naming the item: items
/// that name what only OpenAI holds (<c>item_reference</c>, files, images by <c>file_id</c>) and OpenAI's own hosted tool
/// items.
/// </summary>
internal sealed class OpenAIResponsesInput(ResponsesToolNames names, List<string> problems)
{
    private readonly List<ChatMessage> _messages = [];
    private readonly List<string> _system = [];

    public static (string? System, List<ChatMessage> Messages) Read(JsonObject body, ResponsesToolNames names, List<string> problems)
    {
        var input = new OpenAIResponsesInput(names, problems);
        if (JsonText.Of(body["instructions"]) is { Length: > 0 } instructions)
            input._system.Add(instructions);
        if (JsonText.Of(body["input"]) is { } text)
            input.Add(ChatRole.User, new TextPart(text));
        foreach (var (item, i) in (body["input"] as JsonArray ?? []).Select((item, i) => (item as JsonObject, i)))
        {
            if (item is not null)
                input.Item(item, $"input[{i}]");
        }

        return (input._system.Count == 0 ? null : string.Join("\n\n", input._system), input._messages);
    }

    private void Item(JsonObject item, string at)
    {
        if (OpenAIResponsesServerToolItems.IsEcho(item))
        {
            var (call, result) = OpenAIResponsesServerToolItems.Read(item);
            Add(ChatRole.Assistant, call);
            _messages.Add(new ChatMessage(ChatRole.Tool, [result]));
            return;
        }

        var type = JsonText.Of(item["type"]) ?? "message";
        switch (type)
        {
            case "message":
                Message(item, at);
                break;
            case "function_call":
                Add(ChatRole.Assistant, Call(item, JsonText.Of(item["arguments"]) is { Length: > 0 } arguments ? arguments : "{}"));
                break;
            case "custom_tool_call":
                Add(ChatRole.Assistant, Call(item, new JsonObject { ["input"] = JsonText.Of(item["input"]) ?? "" }.ToJsonString()));
                break;
            case "function_call_output" or "custom_tool_call_output":
                var id = SignedToolCallId.Read(JsonText.Of(item["call_id"]) ?? "").Id;
                _messages.Add(new ChatMessage(ChatRole.Tool, [new ToolResultPart(id, Output(item["output"], $"{at}.output"))]));
                break;
            case "reasoning":
                break;
            case "item_reference":
                problems.Add($"{at}: item_reference items cannot be sent to this model (the items they name are kept by OpenAI); send the items themselves");
                break;
            default:
                problems.Add($"{at}: items of type '{type}' cannot be sent to this model (message, function_call, function_call_output, custom_tool_call, custom_tool_call_output and reasoning can)");
                break;
        }
    }

    private void Message(JsonObject item, string at)
    {
        var role = JsonText.Of(item["role"]);
        var path = $"{at}.content";
        switch (role)
        {
            case "system" or "developer":
                var texts = Parts(item["content"], path, textOnly: true).OfType<TextPart>().Select(p => p.Text).ToList();
                if (texts.Count > 0)
                    _system.Add(string.Join("\n\n", texts));
                break;
            case "assistant":
                Add(ChatRole.Assistant, [.. Parts(item["content"], path, textOnly: true)]);
                break;
            default:
                Add(ChatRole.User, [.. Parts(item["content"], path, textOnly: false)]);
                break;
        }
    }

    /// <summary>A call of the model's, under the canonical name of the tool it called.</summary>
    private ToolCallPart Call(JsonObject item, string arguments)
    {
        var (id, signature) = SignedToolCallId.Read(JsonText.Of(item["call_id"]) ?? "");
        return new ToolCallPart(id, names.Canonical(JsonText.Of(item["name"]) ?? "", JsonText.Of(item["namespace"])), arguments, signature);
    }

    /// <summary>What a message says: text parts (input_text, and output_text and refusal when the model said them) and images.</summary>
    private IEnumerable<ChatPart> Parts(JsonNode? content, string path, bool textOnly)
    {
        if (JsonText.Of(content) is { } text)
        {
            yield return new TextPart(text);
            yield break;
        }

        foreach (var (part, j) in (content as JsonArray ?? []).Select((p, j) => (p, j)))
        {
            var at = $"{path}[{j}]";
            switch (JsonText.Of(part?["type"]))
            {
                case "input_text" or "output_text":
                    yield return new TextPart(JsonText.Of(part!["text"]) ?? "");
                    break;
                case "refusal":
                    yield return new TextPart(JsonText.Of(part!["refusal"]) ?? "");
                    break;
                case "input_image" when !textOnly && JsonText.Of(part!["image_url"]) is { } url:
                    yield return OpenAIChatRequestReader.Image(url);
                    break;
                case "input_image" when !textOnly:
                    problems.Add($"{at}: images by file_id cannot be sent to this model (the file is kept by OpenAI); give the image_url, as a data: URL or an http one");
                    break;
                case var type:
                    problems.Add($"{at}: parts of type '{type}' cannot be sent to this model ({(textOnly ? "only text can" : "input_text and input_image can")})");
                    break;
            }
        }
    }

    /// <summary>A tool's output: its text, or its text parts joined; an image or a file in it cannot be carried.</summary>
    private string Output(JsonNode? output, string path)
    {
        if (JsonText.Of(output) is { } text)
            return text;
        var texts = new List<string>();
        foreach (var (part, j) in (output as JsonArray ?? []).Select((p, j) => (p, j)))
        {
            if (JsonText.Of(part?["type"]) == "input_text")
                texts.Add(JsonText.Of(part!["text"]) ?? "");
            else
                problems.Add($"{path}[{j}]: only text can be returned in a tool's output to this model");
        }

        return string.Concat(texts);
    }

    /// <summary>The model's turn goes on while its items follow one another; anyone else's starts a new turn.</summary>
    private void Add(ChatRole role, params ChatPart[] parts)
    {
        if (parts.Length == 0)
            return;
        if (role == ChatRole.Assistant && _messages.Count > 0 && _messages[^1].Role == ChatRole.Assistant)
            _messages[^1] = _messages[^1] with { Parts = [.. _messages[^1].Parts, .. parts] };
        else
            _messages.Add(new ChatMessage(role, parts));
    }
}
