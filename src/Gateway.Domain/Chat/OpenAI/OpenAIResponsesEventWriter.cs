using System.Text;
using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.OpenAI.OpenAIResponsesItems;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// Writes canonical deltas as the Responses API's stream to a client whose model is one of an upstream that does not serve
/// the Responses API (the client side), each event framed as OpenAI sends it (<c>event: type</c>, <c>data: {json}</c>, a
/// blank line; no <c>[DONE]</c>), numbered by <c>sequence_number</c> from 0, one more for every event of the client's
/// stream (a tool loop keeps one writer, so its calls number on). The order is OpenAI's: <c>response.created</c> and
/// <c>response.in_progress</c>; for each output item, <c>response.output_item.added</c>, its own events and
/// <c>response.output_item.done</c>; then exactly one of <c>response.completed</c> and <c>response.incomplete</c>, with the
/// whole response object as the answer writer makes it (<see cref="Response"/>). A message or reasoning item closes when
/// anything else begins; calls of the client's tools stay open until the answer ends, so that the argument deltas of
/// parallel calls, which may interleave, each go to their own item. The gateway's tool calls go out whole, with the
/// progress events OpenAI sends for its own hosted tools. A failure is an <c>error</c> event then <c>response.failed</c>
/// (<see cref="ErrorFrames"/>).
/// </summary>
/// <param name="id">The response's id, <c>resp_…</c>, which the Host mints.</param>
/// <param name="createdAt">When the request came, in Unix seconds.</param>
public sealed class OpenAIResponsesEventWriter(string id, long createdAt, ResponsesEcho echo) : IChatEventWriter
{
    private readonly List<JsonObject> _output = [];
    private readonly HashSet<int> _open = [];
    private readonly SortedDictionary<int, OpenCall> _calls = [];
    private readonly Dictionary<int, int> _callByIndex = [];
    private readonly Dictionary<string, (int Index, ServerToolCallPart Call)> _serverCalls = [];
    private readonly List<WebSearchOutcome> _searches = [];
    private TextRun? _run;
    private string _model = "";
    private bool _started;
    private FinishReason? _finish;
    private bool _finished;
    private bool _ended;

    /// <summary>The response object of the terminal event once it was written (completed, incomplete or failed): what the Host stores.</summary>
    public JsonObject? Response { get; private set; }

    /// <summary>The sequence number the next event gets.</summary>
    public int NextSequenceNumber { get; private set; }

    public string KeepAlive => SseComments.KeepAlive;

    public IEnumerable<string> Write(ChatDelta delta)
    {
        if (_ended)
            return [];
        return delta switch
        {
            StreamStarted started => Start(started),
            TextDelta { Text.Length: > 0 } text => Said(text.Text, reasoning: false),
            ThinkingDelta { Text.Length: > 0 } thought when echo.ShowsReasoning => Said(thought.Text, reasoning: true),
            ToolCallStarted call => CallStarted(call),
            ToolCallArgumentsDelta arguments => Arguments(arguments),
            ServerToolCallDelta call => ServerCall(call.Part),
            ServerToolResultDelta result => ServerResult(result.Part),
            StreamFinished finished => Finish(finished),
            StreamFailed failed => [Failure(502, "upstream_error", failed.Message)],
            _ => [],
        };
    }

    /// <summary>The terminal event; an upstream that stopped without saying it finished has not finished, and the client is told so.</summary>
    public IEnumerable<string> Complete(ChatUsage usage)
    {
        if (_ended)
            return [];
        if (!_finished)
            return [Failure(502, "upstream_stream_interrupted", "the upstream ended the stream before the answer finished")];
        _ended = true;
        var (status, incomplete) = End(_finish);
        Response = OpenAIResponsesItems.Response(id, createdAt, echo, _model, status, Done(), usage, incomplete: incomplete);
        return [Event(status == "completed" ? "response.completed" : "response.incomplete", ("response", Response.DeepClone()))];
    }

    /// <summary>The <c>error</c> event and <c>response.failed</c>, the output the items done so far; nothing follows them.</summary>
    public string Failure(int status, string code, string message)
    {
        if (_ended)
            return "";
        _ended = true;
        var response = OpenAIResponsesItems.Response(id, createdAt, echo, _model, "in_progress", Done(), null);
        var frames = ErrorFrames(status, code, message, NextSequenceNumber, response);
        NextSequenceNumber += 2;
        Response = Failed(response, code, message);
        return frames;
    }

    /// <summary>
    /// The frames that end a stream which failed after it began, numbered on from <paramref name="nextSequence"/>: the
    /// <c>error</c> event, its fields both at its top level (as OpenAI documents the event) and under <c>error</c> (as its
    /// streams carry them, and as the Node SDK looks for them before it raises), then <c>response.failed</c> with
    /// <paramref name="response"/> marked failed, when there is one (a passed-through stream's latest response object).
    /// </summary>
    public static string ErrorFrames(int status, string code, string message, int nextSequence, JsonObject? response)
    {
        var frames = new StringBuilder(Frame("error", new JsonObject
        {
            ["type"] = "error",
            ["sequence_number"] = nextSequence,
            ["code"] = code,
            ["message"] = message,
            ["param"] = null,
            ["error"] = new JsonObject { ["type"] = OpenAIError.TypeOf(status), ["code"] = code, ["message"] = message, ["param"] = null },
        }));
        if (response is not null)
        {
            frames.Append(Frame("response.failed", new JsonObject
            {
                ["type"] = "response.failed", ["sequence_number"] = nextSequence + 1, ["response"] = Failed((JsonObject)response.DeepClone(), code, message),
            }));
        }

        return frames.ToString();
    }

    private static JsonObject Failed(JsonObject response, string code, string message)
    {
        response["status"] = "failed";
        response["error"] = new JsonObject { ["code"] = code, ["message"] = message };
        response["incomplete_details"] = null;
        return response;
    }

    private IEnumerable<string> Start(StreamStarted started)
    {
        if (_started)
            yield break;
        _started = true;
        _model = started.Model;
        var response = OpenAIResponsesItems.Response(id, createdAt, echo, _model, "in_progress", [], null);
        yield return Event("response.created", ("response", response));
        yield return Event("response.in_progress", ("response", response.DeepClone()));
    }

    private IEnumerable<string> Said(string text, bool reasoning)
    {
        if (_run is null || _run.Reasoning != reasoning)
        {
            foreach (var frame in CloseRun())
                yield return frame;
            foreach (var frame in OpenRun(reasoning))
                yield return frame;
        }

        var run = _run!;
        run.Text.Append(text);
        yield return reasoning
            ? Event("response.reasoning_summary_text.delta", ("item_id", run.Id), ("output_index", run.Index), ("summary_index", 0), ("delta", text))
            : Event("response.output_text.delta", ("item_id", run.Id), ("output_index", run.Index), ("content_index", 0), ("delta", text), ("logprobs", new JsonArray()));
    }

    private IEnumerable<string> OpenRun(bool reasoning)
    {
        var index = _output.Count;
        var itemId = ItemId(reasoning ? "rs" : "msg", id, index);
        _run = new TextRun(index, itemId, reasoning);
        yield return Added(reasoning ? OpenAIResponsesItems.Reasoning(itemId, []) : Message(itemId, "in_progress", []));
        yield return reasoning
            ? Event("response.reasoning_summary_part.added", ("item_id", itemId), ("output_index", index), ("summary_index", 0), ("part", SummaryText("")))
            : Event("response.content_part.added", ("item_id", itemId), ("output_index", index), ("content_index", 0), ("part", OutputText("", [])));
    }

    private IEnumerable<string> CloseRun()
    {
        if (_run is not { } run)
            yield break;
        _run = null;
        var text = run.Text.ToString();
        if (run.Reasoning)
        {
            yield return Event("response.reasoning_summary_text.done", ("item_id", run.Id), ("output_index", run.Index), ("summary_index", 0), ("text", text));
            yield return Event("response.reasoning_summary_part.done", ("item_id", run.Id), ("output_index", run.Index), ("summary_index", 0), ("part", SummaryText(text)));
            yield return Finished(run.Index, OpenAIResponsesItems.Reasoning(run.Id, [SummaryText(text)]));
            yield break;
        }

        var annotations = OpenAICitations.Flat(text, _searches);
        for (var i = 0; i < annotations.Count; i++)
        {
            yield return Event("response.output_text.annotation.added",
                ("item_id", run.Id), ("output_index", run.Index), ("content_index", 0), ("annotation_index", i), ("annotation", annotations[i]!.DeepClone()));
        }

        yield return Event("response.output_text.done", ("item_id", run.Id), ("output_index", run.Index), ("content_index", 0), ("text", text), ("logprobs", new JsonArray()));
        var part = OutputText(text, annotations);
        yield return Event("response.content_part.done", ("item_id", run.Id), ("output_index", run.Index), ("content_index", 0), ("part", part.DeepClone()));
        yield return Finished(run.Index, Message(run.Id, "completed", [part]));
    }

    private IEnumerable<string> CallStarted(ToolCallStarted started)
    {
        foreach (var frame in CloseRun())
            yield return frame;
        var call = new OpenCall(_output.Count, echo.Tools.Client(started.Name), SignedToolCallId.Write(started.Id, started.Signature));
        _calls[call.Index] = call;
        _callByIndex[started.Index] = call.Index;
        yield return Added(Call(id, call.Index, call.Tool, call.CallId, "in_progress", ""));
    }

    private IEnumerable<string> Arguments(ToolCallArgumentsDelta arguments)
    {
        if (!_callByIndex.TryGetValue(arguments.Index, out var index) || arguments.JsonFragment.Length == 0)
            yield break;
        var call = _calls[index];
        call.Arguments.Append(arguments.JsonFragment);
        // A custom tool's input is the one string inside the arguments: it goes out whole once they are.
        if (!call.Tool.Custom)
            yield return Event("response.function_call_arguments.delta", ("item_id", ItemIdOf(call)), ("output_index", call.Index), ("delta", arguments.JsonFragment));
    }

    private IEnumerable<string> CloseCall(OpenCall call)
    {
        var itemId = ItemIdOf(call);
        if (call.Tool.Custom)
        {
            var input = CustomInput(call.Arguments.ToString());
            if (input.Length > 0)
                yield return Event("response.custom_tool_call_input.delta", ("item_id", itemId), ("output_index", call.Index), ("delta", input));
            yield return Event("response.custom_tool_call_input.done", ("item_id", itemId), ("output_index", call.Index), ("input", input));
        }
        else
        {
            // A call with no arguments has an empty object of them, as its item says.
            if (call.Arguments.Length == 0)
            {
                call.Arguments.Append("{}");
                yield return Event("response.function_call_arguments.delta", ("item_id", itemId), ("output_index", call.Index), ("delta", "{}"));
            }

            yield return Event("response.function_call_arguments.done",
                ("item_id", itemId), ("output_index", call.Index), ("name", call.Tool.Name), ("arguments", call.Arguments.ToString()));
        }

        yield return Finished(call.Index, Call(id, call.Index, call.Tool, call.CallId, "completed", call.Arguments.ToString()));
    }

    private IEnumerable<string> ServerCall(ServerToolCallPart call)
    {
        foreach (var frame in CloseRun())
            yield return frame;
        var index = _output.Count;
        var itemId = OpenAIResponsesServerToolItems.ItemId(call);
        _serverCalls[call.Id] = (index, call);
        yield return Added(OpenAIResponsesServerToolItems.Item(call, null));
        switch (call.Kind)
        {
            case GatewayToolKind.WebSearch:
                yield return Event("response.web_search_call.in_progress", ("output_index", index), ("item_id", itemId));
                yield return Event("response.web_search_call.searching", ("output_index", index), ("item_id", itemId));
                break;
            case GatewayToolKind.CodeExecution:
                var code = OpenAIResponsesServerToolItems.Code(call);
                yield return Event("response.code_interpreter_call.in_progress", ("output_index", index), ("item_id", itemId));
                yield return Event("response.code_interpreter_call_code.delta", ("output_index", index), ("item_id", itemId), ("delta", code));
                yield return Event("response.code_interpreter_call_code.done", ("output_index", index), ("item_id", itemId), ("code", code));
                yield return Event("response.code_interpreter_call.interpreting", ("output_index", index), ("item_id", itemId));
                break;
        }
    }

    private IEnumerable<string> ServerResult(ServerToolResultPart result)
    {
        if (result.Outcome is WebSearchOutcome search)
            _searches.Add(search);
        if (!_serverCalls.Remove(result.ToolCallId, out var shown))
            yield break;
        var itemId = OpenAIResponsesServerToolItems.ItemId(shown.Call);
        yield return Event($"response.{OpenAIResponsesServerToolItems.TypeOf(result.Kind)}.completed", ("output_index", shown.Index), ("item_id", itemId));
        yield return Finished(shown.Index, OpenAIResponsesServerToolItems.Item(shown.Call, result));
    }

    private IEnumerable<string> Finish(StreamFinished finished)
    {
        foreach (var frame in CloseRun())
            yield return frame;
        foreach (var call in _calls.Values)
        {
            foreach (var frame in CloseCall(call))
                yield return frame;
        }

        _calls.Clear();
        _callByIndex.Clear();
        _finish = finished.Reason;
        _finished = true;
    }

    private string ItemIdOf(OpenCall call) => JsonText.Of(_output[call.Index]["id"])!;

    /// <summary>A new item at the end of the output, open until <see cref="Finished"/>.</summary>
    private string Added(JsonObject item)
    {
        var index = _output.Count;
        _output.Add(item);
        _open.Add(index);
        return Event("response.output_item.added", ("output_index", index), ("item", item.DeepClone()));
    }

    private string Finished(int index, JsonObject item)
    {
        _output[index] = item;
        _open.Remove(index);
        return Event("response.output_item.done", ("output_index", index), ("item", item.DeepClone()));
    }

    /// <summary>The items done so far, for a response object; one still open has not been shown whole.</summary>
    private JsonArray Done() => [.. _output.Where((_, i) => !_open.Contains(i)).Select(item => (JsonNode)item.DeepClone())];

    private string Event(string type, params (string Name, JsonNode? Value)[] fields)
    {
        var data = new JsonObject { ["type"] = type, ["sequence_number"] = NextSequenceNumber++ };
        foreach (var (name, value) in fields)
            data[name] = value;
        return Frame(type, data);
    }

    /// <summary>One server-sent event: its name, its data on one line, and the blank line that ends it.</summary>
    private static string Frame(string type, JsonObject data) => $"event: {type}\ndata: {data.ToJsonString()}\n\n";

    /// <summary>The message or reasoning item whose text is streaming.</summary>
    private sealed record TextRun(int Index, string Id, bool Reasoning)
    {
        public StringBuilder Text { get; } = new();
    }

    /// <summary>A call of the client's tool, open until the answer ends.</summary>
    private sealed record OpenCall(int Index, ResponsesToolName Tool, string CallId)
    {
        public StringBuilder Arguments { get; } = new();
    }
}
