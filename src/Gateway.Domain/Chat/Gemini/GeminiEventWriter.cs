using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>How a streamGenerateContent answer comes: as the client asked with <c>alt=sse</c>, or without it.</summary>
public enum GeminiStreamForm
{
    /// <summary>Server-sent events, one chunk each (<c>data: {json}</c>, a blank line).</summary>
    Sse,

    /// <summary>One JSON array, its elements sent as they are made.</summary>
    JsonArray,
}

/// <summary>
/// Writes canonical deltas as streamGenerateContent chunks to a Gemini client (the client side), each a whole
/// GenerateContentResponse, framed in the form the client asked for (<see cref="GeminiStreamForm"/>).
/// Text goes out as it comes. Gemini never streams a function call's arguments in pieces, so calls are
/// held until the stream ends and go out whole in the last chunk, with the finish reason and the usage. The gateway's code
/// runs go out as they are shown (executableCode, then codeExecutionResult); its searches as the last chunk's grounding.
/// </summary>
/// <param name="model">The name the client asked for, echoed as modelVersion.</param>
/// <param name="thoughts">Whether the client set includeThoughts: thinking then goes out as thought parts, as it comes.</param>
/// <param name="form">Server-sent events (<c>?alt=sse</c>) or the elements of one JSON array.</param>
public sealed class GeminiEventWriter(string model, bool thoughts = false, GeminiStreamForm form = GeminiStreamForm.Sse) : IChatEventWriter
{
    private readonly SortedDictionary<int, (string Id, string Name, string? Signature, StringBuilder Arguments)> _calls = [];
    private readonly List<WebSearchOutcome> _searches = [];
    private string _id = "";
    private FinishReason? _finish;
    private bool _opened;

    public IEnumerable<string> Write(ChatDelta delta) => Chunk(delta) is { } chunk ? [Frame(chunk)] : [];

    public IEnumerable<string> Complete(ChatUsage usage)
    {
        yield return Frame(LastChunk(usage));
        if (form == GeminiStreamForm.JsonArray)
            yield return ArrayEnd;
    }

    /// <summary>
    /// Google's error object, its code the status and its status the one Google gives it (INTERNAL, DEADLINE_EXCEEDED);
    /// in the JSON-array form it is the array's last element, and the array is closed.
    /// </summary>
    public string Failure(int status, string code, string message)
    {
        var error = Frame(GoogleError.Of(status, message).ToJson());
        return form == GeminiStreamForm.Sse ? error : error + ArrayEnd;
    }

    /// <summary>An SSE comment; in the JSON-array form, whitespace between elements, which a JSON reader skips.</summary>
    public string KeepAlive => form == GeminiStreamForm.Sse ? SseComments.KeepAlive : "\n";

    /// <summary>Google's error object as an <c>?alt=sse</c> event, which ends a passed-through stream that failed after it began.</summary>
    public static string ErrorEvent(int status, string message) => SseFrame(GoogleError.Of(status, message).ToJson());

    /// <summary>
    /// The chunk a delta becomes, unframed, or null when it has none of its own. An upstream failure becomes Google's
    /// error object (500 INTERNAL: the client's request was fine), which ends the stream:
    /// <see cref="LastChunk"/> is then not called.
    /// </summary>
    public JsonObject? Chunk(ChatDelta delta)
    {
        switch (delta)
        {
            case StreamStarted started:
                _id = started.Id;
                return null;
            case TextDelta { Text.Length: > 0 } text:
                return GeminiResponseWriter.Chunk(_id, model, [new JsonObject { ["text"] = text.Text }], null, null);
            case ThinkingDelta { Text.Length: > 0 } thought when thoughts:
                return GeminiResponseWriter.Chunk(_id, model, [GeminiResponseWriter.Thought(thought.Text)], null, null);
            case ToolCallStarted call:
                _calls[call.Index] = (call.Id, call.Name, call.Signature, new StringBuilder());
                return null;
            case ToolCallArgumentsDelta arguments when _calls.TryGetValue(arguments.Index, out var call):
                call.Arguments.Append(arguments.JsonFragment);
                return null;
            case ServerToolCallDelta call:
                return GeminiServerToolParts.Part(call.Part) is { } code ? GeminiResponseWriter.Chunk(_id, model, [code], null, null) : null;
            case ServerToolResultDelta { Part.Outcome: WebSearchOutcome search }:
                _searches.Add(search);
                return null;
            case ServerToolResultDelta result:
                return GeminiServerToolParts.Part(result.Part) is { } output ? GeminiResponseWriter.Chunk(_id, model, [output], null, null) : null;
            case StreamFinished finished:
                _finish = finished.Reason;
                return null;
            case StreamFailed failed:
                return GoogleError.Of(500, failed.Message).ToJson();
            default:
                return null;
        }
    }

    /// <summary>The last chunk: the held function calls, the finish reason, the grounding of the gateway's searches and the usage of the whole answer.</summary>
    public JsonObject LastChunk(ChatUsage usage) => GeminiResponseWriter.Chunk(
        _id, model, [.. _calls.Values.Select(c => (JsonNode)GeminiResponseWriter.FunctionCall(c.Id, c.Name, c.Arguments.ToString(), c.Signature))], _finish, usage,
        grounding: GeminiServerToolParts.Grounding(_searches));

    /// <summary>One chunk as an <c>?alt=sse</c> event.</summary>
    public static string SseFrame(JsonObject chunk) => $"data: {chunk.ToJsonString()}\r\n\r\n";

    /// <summary>
    /// One chunk of the JSON-array stream (streamGenerateContent without alt=sse): the first opens the array,
    /// the others follow a comma; <see cref="ArrayEnd"/> closes it.
    /// </summary>
    public static string ArrayFrame(JsonObject chunk, bool first) => (first ? "[" : ",\r\n") + chunk.ToJsonString();

    public const string ArrayEnd = "]";

    private string Frame(JsonObject chunk)
    {
        if (form == GeminiStreamForm.Sse)
            return SseFrame(chunk);
        var first = !_opened;
        _opened = true;
        return ArrayFrame(chunk, first);
    }
}
