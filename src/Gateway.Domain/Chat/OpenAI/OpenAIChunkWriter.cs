using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// Writes canonical deltas as chat completion chunks to an OpenAI client (the client side), each framed as a
/// data-only server-sent event (<c>data: {json}</c>, a blank line); ends with the usage chunk when the client asked
/// for it, then <c>data: [DONE]</c>. The citations of the gateway's searches (<see cref="OpenAICitations"/>) come in a chunk
/// of their own before the finish, as OpenAI sends its own search models' annotations once the text is whole.
/// </summary>
/// <param name="includeUsage">Whether the client asked for the usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="created">The chunks' <c>created</c> time, in Unix seconds.</param>
public sealed class OpenAIChunkWriter(bool includeUsage, long created) : IChatEventWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<WebSearchOutcome> _searches = [];
    private string _id = "chatcmpl-gateway";
    private string _model = "";

    /// <summary>A gateway tool ran since the last text (<see cref="OpenAIAnswerText"/>).</summary>
    private bool _afterTool;

    public IEnumerable<string> Write(ChatDelta delta)
    {
        switch (delta)
        {
            case StreamStarted started:
                (_id, _model) = (started.Id, started.Model);
                break;
            case TextDelta { Text.Length: > 0 } text:
                var said = OpenAIAnswerText.Next(_text, text.Text, _afterTool);
                _text.Append(said);
                _afterTool = false;
                delta = text with { Text = said };
                break;
            case ServerToolResultDelta result:
                _afterTool = true;
                if (result.Part.Outcome is WebSearchOutcome search)
                    _searches.Add(search);
                break;
            case StreamFinished when OpenAICitations.For(_text.ToString(), _searches) is { } annotations:
                yield return Frame(Build(_id, _model, created, new JsonObject { ["annotations"] = annotations }, null).ToJsonString());
                break;
        }

        if (Chunk(delta, _id, _model, created) is { } chunk)
            yield return Frame(chunk.ToJsonString());
    }

    public IEnumerable<string> Complete(ChatUsage usage)
    {
        if (includeUsage)
            yield return Frame(UsageChunk(_id, _model, created, usage).ToJsonString());
        yield return Frame(OpenAIApi.StreamEnd);
    }

    public string Failure(int status, string code, string message) => ErrorEvent(status, code, message);

    /// <summary>An SSE comment line, which every SSE reader skips.</summary>
    public string KeepAlive => SseComments.KeepAlive;

    /// <summary>The error chunk the OpenAI SDKs read from a stream that failed after it began (passed through or translated).</summary>
    public static string ErrorEvent(int status, string code, string message) => Frame(OpenAIError.Of(status, code, message).ToJsonString());

    /// <summary>The chunk a delta becomes, unframed, or null when it has no chunk of its own (usage comes in the last one).</summary>
    public static JsonObject? Chunk(ChatDelta delta, string id, string model, long created) => delta switch
    {
        StreamStarted => Build(id, model, created, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null),
        TextDelta text => Build(id, model, created, new JsonObject { ["content"] = text.Text }, null),
        ThinkingDelta { Text.Length: > 0 } thinking => Build(id, model, created, new JsonObject { ["reasoning_content"] = thinking.Text }, null),
        ToolCallStarted start => Build(id, model, created, new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = start.Index, ["id"] = SignedToolCallId.Write(start.Id, start.Signature), ["type"] = "function", ["function"] = new JsonObject { ["name"] = start.Name, ["arguments"] = "" },
            }),
        }, null),
        ToolCallArgumentsDelta args => Build(id, model, created, new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = args.Index, ["function"] = new JsonObject { ["arguments"] = args.JsonFragment } }),
        }, null),
        StreamFinished finished => Build(id, model, created, new JsonObject(), OpenAIChatResponseWriter.Finish(finished.Reason)),
        _ => null,
    };

    public static JsonObject UsageChunk(string id, string model, long created, ChatUsage usage) => new()
    {
        ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = OpenAIChatResponseWriter.Usage(usage),
    };

    /// <summary>One data-only server-sent event: <c>data: </c>, the chunk's JSON on one line, and the blank line that ends it.</summary>
    public static string Frame(string data) => $"data: {data}\n\n";

    private static JsonObject Build(string id, string model, long created, JsonObject delta, string? finish) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };
}
