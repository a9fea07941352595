using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// The client side of the Gemini dialect: a client's generateContent request in, Gemini answers out.
/// Used only when the upstream is not Gemini; a Gemini upstream is passed the client's body and answers
/// untouched, so everything below is about what other upstreams can and cannot do.
/// </summary>
public static partial class GeminiContent
{
    /// <summary>
    /// Reads a client's request; the problems name every field that cannot be honoured, and there is no
    /// request when there are any. The model comes from the path (<c>models/{model}:generateContent</c>),
    /// not the body; <see cref="ChatRequest.Stream"/> is false, as the action (not the body) says whether to
    /// stream. Mapped:
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
    /// <item>tools.functionDeclarations (parametersJsonSchema, or parameters made JSON Schema); toolConfig mode
    /// AUTO, ANY (one allowed name: that function; several: the declarations narrowed to them), NONE, and
    /// VALIDATED as AUTO.</item>
    /// </list>
    /// Rejected, because another upstream would answer a different question: cachedContent (the cached
    /// prompt lives at Google), non-image media, candidateCount above 1, responseModalities other than TEXT,
    /// responseMimeType other than text/plain and application/json, and tools other than functions
    /// (googleSearch, codeExecution, urlContext, ...).
    /// Dropped, because no other upstream has them and the answer still fits the question: safetySettings
    /// (other providers apply their own policies), topK, seed, presence and frequency penalties, logprobs,
    /// thought parts and thought signatures in the history, toolConfig.retrievalConfig, labels, and functionResponse scheduling and willContinue.
    /// </summary>
    public static (ChatRequest? Request, IReadOnlyList<string> Problems) ReadRequest(string model, JsonObject body)
    {
        var reader = new GeminiRequestReader();
        var request = reader.Read(model, body);
        return reader.Problems.Count == 0 ? (request, reader.Problems) : (null, reader.Problems);
    }

    /// <summary>
    /// A GenerateContentResponse with one candidate. <paramref name="model"/> is the name the client asked
    /// for, echoed as modelVersion: the upstream's own model name would reveal where an alias leads.
    /// Function calls carry their id so that a client can echo it in its functionResponse. Thinking becomes
    /// thought parts (<c>"thought": true</c>) only when <paramref name="thoughts"/> says the client set
    /// includeThoughts, as Gemini sends them only then; they carry no thoughtSignature, which only Gemini can make.
    /// A function call that came from Gemini (the JSON-array stream is rebuilt from a Gemini upstream's events)
    /// keeps its thoughtSignature beside it, as Gemini sent it.
    /// </summary>
    public static JsonObject WriteResponse(ChatResponse response, string model, bool thoughts = false) => Chunk(
        response.Id, model, [.. response.Parts.Select(p => ClientPart(p, thoughts)).OfType<JsonNode>()], response.FinishReason, response.Usage, wholeAnswer: true);

    /// <summary>One chunk of an <c>?alt=sse</c> stream.</summary>
    public static string SseFrame(JsonObject chunk) => $"data: {chunk.ToJsonString()}\r\n\r\n";

    /// <summary>
    /// One chunk of the JSON-array stream (streamGenerateContent without alt=sse): the first opens the array,
    /// the others follow a comma; <see cref="ArrayStreamEnd"/> closes it.
    /// </summary>
    public static string ArrayFrame(JsonObject chunk, bool first) => (first ? "[" : ",\r\n") + chunk.ToJsonString();

    public const string ArrayStreamEnd = "]";

    /// <summary>Google's error object, which ends a stream that failed after it began.</summary>
    public static JsonObject ErrorChunk(int code, string status, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } };

    /// <summary>
    /// Turns canonical deltas into streamGenerateContent chunks, each a whole GenerateContentResponse.
    /// Text goes out as it comes. Gemini never streams a function call's arguments in pieces, so calls are
    /// held until the stream ends and go out whole in the last chunk, with the finish reason and the usage.
    /// </summary>
    /// <param name="model">The name the client asked for, echoed as modelVersion.</param>
    /// <param name="thoughts">Whether the client set includeThoughts: thinking then goes out as thought parts, as it comes.</param>
    public sealed class StreamWriter(string model, bool thoughts = false)
    {
        private readonly SortedDictionary<int, (string Id, string Name, string? Signature, StringBuilder Arguments)> _calls = [];
        private string _id = "";
        private FinishReason? _finish;

        /// <summary>
        /// The chunk a delta becomes, or null when it has none of its own. An upstream failure becomes Google's
        /// error object (500 INTERNAL: the client's request was fine), which ends the stream:
        /// <see cref="Finish"/> is then not called.
        /// </summary>
        public JsonObject? Write(ChatDelta delta)
        {
            switch (delta)
            {
                case StreamStarted started:
                    _id = started.Id;
                    return null;
                case TextDelta { Text.Length: > 0 } text:
                    return Chunk(_id, model, [new JsonObject { ["text"] = text.Text }], null, null);
                case ThinkingDelta { Text.Length: > 0 } thought when thoughts:
                    return Chunk(_id, model, [Thought(thought.Text)], null, null);
                case ToolCallStarted call:
                    _calls[call.Index] = (call.Id, call.Name, call.Signature, new StringBuilder());
                    return null;
                case ToolCallArgumentsDelta arguments when _calls.TryGetValue(arguments.Index, out var call):
                    call.Arguments.Append(arguments.JsonFragment);
                    return null;
                case StreamFinished finished:
                    _finish = finished.Reason;
                    return null;
                case StreamFailed failed:
                    return ErrorChunk(500, "INTERNAL", failed.Message);
                default:
                    return null;
            }
        }

        /// <summary>The last chunk: the held function calls, the finish reason and the usage of the whole answer.</summary>
        public JsonObject Finish(ChatUsage usage) => Chunk(
            _id, model, [.. _calls.Values.Select(c => (JsonNode)FunctionCall(c.Id, c.Name, c.Arguments.ToString(), c.Signature))], _finish, usage);
    }

    /// <param name="wholeAnswer">A whole answer always has content, even empty; a stream chunk without parts leaves it out, as Gemini's last chunks do.</param>
    private static JsonObject Chunk(string id, string model, JsonArray parts, FinishReason? finish, ChatUsage? usage, bool wholeAnswer = false)
    {
        var candidate = new JsonObject();
        if (parts.Count > 0 || wholeAnswer)
            candidate["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts };
        if (finish is { } reason)
            candidate["finishReason"] = ClientFinish(reason);
        candidate["index"] = 0;
        var chunk = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null)
            chunk["usageMetadata"] = UsageMetadata(usage);
        chunk["modelVersion"] = model;
        chunk["responseId"] = id;
        return chunk;
    }

    private static JsonObject? ClientPart(ChatPart part, bool thoughts) => part switch
    {
        TextPart { Text.Length: > 0 } text => new JsonObject { ["text"] = text.Text },
        ThinkingPart { Text.Length: > 0 } thinking when thoughts => Thought(thinking.Text),
        ToolCallPart call => FunctionCall(call.Id, call.Name, call.ArgumentsJson, call.Signature),
        _ => null,
    };

    private static JsonObject Thought(string text) => new() { ["text"] = text, ["thought"] = true };

    private static JsonObject FunctionCall(string id, string name, string argumentsJson, string? signature) =>
        WithSignature(new JsonObject { ["functionCall"] = new JsonObject { ["id"] = id, ["name"] = name, ["args"] = Arguments(argumentsJson) } }, signature);

    /// <summary>
    /// Gemini's args are always an object. Arguments that are not one (a call cut off by MAX_TOKENS) cannot
    /// be repaired: they become an empty object, and the finish reason tells the client the answer was cut.
    /// </summary>
    private static JsonObject Arguments(string json)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Gemini ends a turn of function calls with STOP, as it ends any complete turn.</summary>
    private static string ClientFinish(FinishReason reason) => reason switch
    {
        FinishReason.Length => "MAX_TOKENS",
        FinishReason.ContentFilter => "SAFETY",
        _ => "STOP",
    };

    /// <summary>
    /// Gemini counts cached tokens inside promptTokenCount, as the canonical model does. Thinking tokens
    /// are inside the canonical completion count and cannot be told apart, so they are candidates here.
    /// </summary>
    private static JsonObject UsageMetadata(ChatUsage usage)
    {
        var metadata = new JsonObject
        {
            ["promptTokenCount"] = usage.PromptTokens,
            ["candidatesTokenCount"] = usage.CompletionTokens,
            ["totalTokenCount"] = usage.PromptTokens + usage.CompletionTokens,
        };
        if (usage.CachedTokens > 0)
            metadata["cachedContentTokenCount"] = usage.CachedTokens;
        return metadata;
    }
}
