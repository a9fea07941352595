using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// A client's generateContent request read into the canonical model, when its model is another dialect's (the client
/// side; a Gemini upstream is passed the client's body untouched). The problems name every field that cannot be
/// honoured, all at once, and there is no request when there are any. The model comes from the path
/// (<c>models/{model}:generateContent</c>), not the body; <see cref="ChatRequest.Stream"/> is false, as the action
/// (not the body) says whether to stream. Mapped:
/// <list type="bullet">
/// <item>contents: user and model turns; text, image inlineData (base64) and image fileData (URL);
/// functionCall becomes a tool call with the client's id, or <c>call_{n}</c> (n counts the request's calls,
/// so a resent conversation gets the same ids); functionResponse answers the call with its id, or else
/// the oldest unanswered call of its name, and its whole response object is the result.</item>
/// <item>systemInstruction: its text parts, one per line. generationConfig: temperature, topP,
/// maxOutputTokens, stopSequences; responseMimeType application/json is JSON mode, with
/// responseJsonSchema, or responseSchema made JSON Schema, as the schema.</item>
/// <item>thinkingConfig: thinkingBudget kept exactly and as the nearest effort; thinkingLevel as the effort;
/// includeThoughts as whether the answer's thinking comes back as thought parts.</item>
/// <item>executableCode and codeExecutionResult parts of model turns: the gateway's code execution calls and their results
/// (<see cref="GeminiCodeEchoes"/>), sent to the upstream as the function calls they were.</item>
/// <item>tools.functionDeclarations (parametersJsonSchema, or parameters made JSON Schema); toolConfig mode
/// AUTO, ANY (one allowed name: that function; several: the declarations narrowed to them), NONE, and
/// VALIDATED as AUTO. The gateway's own tools (<c>gatewayWebSearch</c>, <c>gatewayCodeExecution</c>) as
/// <see cref="ChatRequest.GatewayTools"/>.</item>
/// </list>
/// Rejected, because another upstream would answer a different question: cachedContent (the cached
/// prompt lives at Google), non-image media, candidateCount above 1, responseModalities other than TEXT,
/// responseMimeType other than text/plain and application/json, and tools other than functions (urlContext, ...)
/// but googleSearch and codeExecution, which are skipped (<see cref="GeminiNativeTools"/>: the gateway's own tools
/// stand in for them, or the upstream is not sent the request).
/// Dropped, because no other upstream has them and the answer still fits the question: safetySettings
/// (other providers apply their own policies), topK, seed, presence and frequency penalties, logprobs,
/// thought parts and the thought signatures of other parts in the history, toolConfig.retrievalConfig, labels, and
/// functionResponse scheduling and willContinue. The thoughtSignature of a functionCall or executableCode part is kept
/// on its call: a loop sends the conversation on to a Gemini upstream, and Gemini 3 wants it back.
/// </summary>
public sealed partial class GeminiRequestReader
{
    private readonly List<string> _problems = [];

    /// <summary>Calls made so far and not yet answered, oldest first: a functionResponse answers the oldest of its name.</summary>
    private readonly List<ToolCallPart> _unanswered = [];

    private readonly GeminiCodeEchoes _echoes = new();

    private int _calls;

    private GeminiRequestReader()
    {
    }

    public static (ChatRequest? Request, IReadOnlyList<string> Problems) Read(string model, JsonObject body)
    {
        var reader = new GeminiRequestReader();
        var request = reader.ReadBody(model, body);
        return reader._problems.Count == 0 ? (request, reader._problems) : (null, reader._problems);
    }

    private ChatRequest ReadBody(string model, JsonObject body)
    {
        var messages = Messages(body["contents"]);
        var system = System(body["systemInstruction"]);
        var generation = body["generationConfig"] as JsonObject ?? [];
        var (tools, choice) = Tools(body["tools"], (body["toolConfig"] as JsonObject)?["functionCallingConfig"] as JsonObject);
        var (budget, effort) = Thinking(generation["thinkingConfig"] as JsonObject);
        var includeThoughts = (generation["thinkingConfig"] as JsonObject)?["includeThoughts"] is JsonValue include && include.GetValueKind() == JsonValueKind.True;
        if (body["cachedContent"] is { } cached)
            _problems.Add($"cachedContent '{Text(cached, "cachedContent")}' is a Gemini context cache, which only a Gemini upstream can read");

        return new ChatRequest(
            model,
            system,
            messages,
            Value<int>(generation["maxOutputTokens"], "generationConfig.maxOutputTokens", "an integer"),
            Value<double>(generation["temperature"], "generationConfig.temperature", "a number"),
            Value<double>(generation["topP"], "generationConfig.topP", "a number"),
            Strings(generation["stopSequences"], "generationConfig.stopSequences"),
            tools,
            choice,
            ParallelToolCalls: null,
            ResponseFormat(generation),
            effort,
            User: null,
            Stream: false,
            budget,
            includeThoughts,
            GatewayTools(body));
    }

    private List<ChatMessage> Messages(JsonNode? contents)
    {
        var messages = new List<ChatMessage>();
        if (contents is not JsonArray { Count: > 0 } array)
        {
            _problems.Add("contents must be a non-empty array");
            return messages;
        }

        foreach (var (node, i) in array.Select((c, i) => (c, i)))
        {
            if (node is not JsonObject content)
            {
                _problems.Add($"contents[{i}] must be an object");
                continue;
            }

            // Gemini lets a single-turn request leave the role out; it is then the user's. Older clients put
            // functionResponse parts in a "function" turn, which is the user's side of the exchange.
            var role = Text(content["role"], $"contents[{i}].role") ?? "user";
            if (role is not ("user" or "model" or "function"))
            {
                _problems.Add($"contents[{i}].role '{role}' is not user, model or function");
                continue;
            }

            if (content["parts"] is not JsonArray { Count: > 0 } parts)
            {
                _problems.Add($"contents[{i}].parts must be a non-empty array");
                continue;
            }

            if (role == "model")
                ModelTurn(parts, $"contents[{i}]", messages);
            else
                UserTurn(parts, $"contents[{i}]", messages);
        }

        return messages;
    }

    /// <summary>
    /// Thought parts, and parts that hold only a thought signature, are dropped: they only mean something
    /// to Gemini, and a client replays them as Gemini gave them.
    /// </summary>
    private void ModelTurn(JsonArray parts, string at, List<ChatMessage> messages)
    {
        var said = new List<ChatPart>();
        var results = new List<ServerToolResultPart>();
        var signedStep = false;
        foreach (var (part, where) in Parts(parts, at))
        {
            if (part["thought"]?.GetValueKind() == JsonValueKind.True || Kind(part) is null)
                continue;

            // Gemini 3 signs the first call of each step: an unsigned code part after a signed one's result is another
            // call of that step (the loop ran them together), and goes back in it, ahead of the step's results.
            var sameStep = part["executableCode"] is not null && signedStep && Signature(part) is null;
            if (results.Count > 0 && part["codeExecutionResult"] is null && !sameStep)
                EndStep(said, results, messages);
            if (part.ContainsKey("text"))
            {
                said.Add(new TextPart(Text(part["text"], $"{where}.text") ?? ""));
            }
            else if (part["functionCall"] is JsonObject call)
            {
                if (Name(call, $"{where}.functionCall") is not { } name)
                    continue;
                var toolCall = new ToolCallPart(CallId(call, $"{where}.functionCall"), name, (call["args"] as JsonObject ?? []).ToJsonString(), Signature(part));
                _unanswered.Add(toolCall);
                said.Add(toolCall);
            }
            else if (part["executableCode"] is JsonObject code)
            {
                signedStep = sameStep || Signature(part) is not null;
                said.Add(_echoes.Call(code, CallId(code, $"{where}.executableCode"), Signature(part)));
            }
            else if (part["codeExecutionResult"] is JsonObject result)
            {
                // The result comes amid the model's turn: what it said before stays before it.
                if (_echoes.Result(result, $"{where}.codeExecutionResult", _problems) is { } shown)
                    results.Add(shown);
            }
            else if (Kind(part) is "functionResponse" or "inlineData" or "fileData")
            {
                _problems.Add($"{where}: {Kind(part)} parts belong in user turns");
            }
            else
            {
                Unsupported(part, where);
            }
        }

        EndStep(said, results, messages);
    }

    /// <summary>A step of the model's turn ends: what it said and called, then the results of the gateway's calls in it.</summary>
    private static void EndStep(List<ChatPart> said, List<ServerToolResultPart> results, List<ChatMessage> messages)
    {
        Flush(ChatRole.Assistant, said, messages);
        messages.AddRange(results.Select(r => new ChatMessage(ChatRole.Tool, [r])));
        results.Clear();
    }

    /// <summary>
    /// The canonical model gives each tool result a message of its own, so a user turn splits into tool
    /// messages and user messages in the order of its parts.
    /// </summary>
    private void UserTurn(JsonArray parts, string at, List<ChatMessage> messages)
    {
        var said = new List<ChatPart>();
        foreach (var (part, where) in Parts(parts, at))
        {
            if (part.ContainsKey("text"))
            {
                said.Add(new TextPart(Text(part["text"], $"{where}.text") ?? ""));
            }
            else if (part["inlineData"] is JsonObject inline)
            {
                if (Image(inline, $"{where}: inlineData") is { } mime)
                    said.Add(new ImagePart(mime, Text(inline["data"], $"{where}.inlineData.data") ?? "", null));
            }
            else if (part["fileData"] is JsonObject file)
            {
                // fileData may leave the type out; the URL is then taken to be an image, as Gemini would guess from the file.
                var mime = file["mimeType"] is null ? null : Image(file, $"{where}: fileData");
                if (Text(file["fileUri"], $"{where}.fileData.fileUri") is not { Length: > 0 } uri)
                    _problems.Add($"{where}.fileData needs a fileUri");
                else if (file["mimeType"] is null || mime is not null)
                    said.Add(new ImagePart(mime, null, uri));
            }
            else if (part["functionResponse"] is JsonObject response)
            {
                if (Answer(response, $"{where}.functionResponse") is not { } result)
                    continue;
                Flush(ChatRole.User, said, messages);
                messages.Add(new ChatMessage(ChatRole.Tool, [result]));
            }
            else if (Kind(part) is "functionCall" or "executableCode" or "codeExecutionResult")
            {
                _problems.Add($"{where}: {Kind(part)} parts belong in model turns");
            }
            else
            {
                Unsupported(part, where);
            }
        }

        Flush(ChatRole.User, said, messages);
    }

    /// <summary>The client's id of a call, or <c>call_{n}</c>, n counting the request's calls, so a resent conversation gets the same ids.</summary>
    private string CallId(JsonObject call, string at)
    {
        var id = Text(call["id"], $"{at}.id") is { Length: > 0 } given ? given : $"call_{_calls}";
        _calls++;
        return id;
    }

    private static void Flush(ChatRole role, List<ChatPart> said, List<ChatMessage> messages)
    {
        if (said.Count == 0)
            return;
        messages.Add(new ChatMessage(role, [.. said]));
        said.Clear();
    }

    /// <summary>
    /// Matches by id when the client echoed one, otherwise the oldest unanswered call of that name: Gemini
    /// clients answer parallel calls to one function in the order they were made. The whole response
    /// object is the result: "output", "result", "error" and any other key all tell the model something.
    /// </summary>
    private ToolResultPart? Answer(JsonObject response, string at)
    {
        if (Name(response, at) is not { } name)
            return null;
        var id = Text(response["id"], $"{at}.id");
        var call = _unanswered.FirstOrDefault(c => id is { Length: > 0 } ? c.Id == id : c.Name == name);
        if (call is null)
        {
            _problems.Add($"{at} '{name}' answers no earlier functionCall");
            return null;
        }

        _unanswered.Remove(call);
        return new ToolResultPart(call.Id, (response["response"] as JsonObject ?? []).ToJsonString());
    }

    private IEnumerable<(JsonObject Part, string Where)> Parts(JsonArray parts, string at)
    {
        foreach (var (node, j) in parts.Select((p, j) => (p, j)))
        {
            if (node is JsonObject part)
                yield return (part, $"{at}.parts[{j}]");
            else
                _problems.Add($"{at}.parts[{j}] must be an object");
        }
    }

    /// <summary>The canonical model carries images only: audio, video and documents have nowhere to go.</summary>
    private string? Image(JsonObject data, string at)
    {
        var mime = Text(data["mimeType"], $"{at}.mimeType");
        if (mime?.StartsWith("image/", StringComparison.Ordinal) == true)
            return mime;
        _problems.Add($"{at} of type '{mime}' is not supported (images are)");
        return null;
    }

    private static string? Signature(JsonObject part) => part["thoughtSignature"] is JsonValue value && value.TryGetValue<string>(out var signature) ? signature : null;

    /// <summary>Keys that qualify a part rather than being its content.</summary>
    private static readonly HashSet<string> Qualifiers = ["thought", "thoughtSignature", "partMetadata", "videoMetadata", "mediaResolution"];

    private static string? Kind(JsonObject part) => part.Select(p => p.Key).FirstOrDefault(k => !Qualifiers.Contains(k));

    private void Unsupported(JsonObject part, string at) => _problems.Add(Kind(part) is { } kind
        ? $"{at}: {kind} parts are not supported (text, inlineData, fileData, functionCall, functionResponse, executableCode and codeExecutionResult are)"
        : $"{at} has no content");

    private string? Name(JsonObject node, string at)
    {
        if (Text(node["name"], $"{at}.name") is { Length: > 0 } name)
            return name;
        _problems.Add($"{at} needs a name");
        return null;
    }
}
