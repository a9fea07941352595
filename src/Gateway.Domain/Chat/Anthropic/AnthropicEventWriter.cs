using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// Writes canonical deltas as Anthropic's stream events to an Anthropic client (the client side), framed as server-sent
/// events (<c>event: name</c>, <c>data: {json}</c>, a blank line), in the order Anthropic sends them:
/// message_start, then per content block content_block_start, its deltas (thinking_delta, text_delta or
/// input_json_delta) and content_block_stop, then message_delta with the stop reason and usage, and
/// message_stop. Blocks never overlap: a new one closes the open one. The gateway's tool calls and results are whole blocks
/// (<see cref="AnthropicServerToolBlocks"/>), each closed at once; its searches are counted in message_delta's usage.
/// Thinking opens a thinking block with
/// an empty signature (see <see cref="AnthropicBlocks.Thinking"/>), and no signature_delta follows.
/// </summary>
/// <param name="estimatedInputTokens">
/// message_start carries the prompt's tokens, but an OpenAI-compatible upstream only tells them at the
/// end: until then the gateway's estimate stands there, and message_delta carries the exact count.
/// </param>
/// <param name="thinking">Whether the client enabled thinking; without it, thinking deltas are left out, as Anthropic sends none.</param>
public sealed class AnthropicEventWriter(int estimatedInputTokens, bool thinking = false) : IChatEventWriter
{
    private readonly Dictionary<int, int> _blockByTool = [];
    private int _blocks;
    private int? _open;
    private string? _openType;
    private ChatUsage _prompt = ChatUsage.None;
    private int _webSearches;

    /// <summary>True once message_stop was written.</summary>
    public bool Finished { get; private set; }

    public IEnumerable<string> Write(ChatDelta delta) => Events(delta).Select(Frame);

    /// <summary>An upstream that stopped without saying it finished has not finished: the client is told so.</summary>
    public IEnumerable<string> Complete(ChatUsage usage) =>
        Finished ? [] : [ErrorEvent(502, "the upstream ended the stream before the answer finished")];

    public string Failure(int status, string code, string message) => ErrorEvent(status, message);

    /// <summary>Anthropic's own <c>ping</c> event, which its SDKs read and skip.</summary>
    public string KeepAlive { get; } = Frame(("ping", new JsonObject { ["type"] = "ping" }));

    /// <summary>
    /// Anthropic's <c>event: error</c>, which ends a stream that failed after it began (passed through or translated),
    /// its type the one Anthropic gives the status (api_error, timeout_error).
    /// </summary>
    public static string ErrorEvent(int status, string message) => Frame(Error(status, message));

    /// <summary>The events a delta becomes, each its name and its data, unframed.</summary>
    public IEnumerable<(string Event, JsonObject Data)> Events(ChatDelta delta)
    {
        switch (delta)
        {
            case StreamStarted started:
                _prompt = (started.Usage ?? new ChatUsage(estimatedInputTokens, 0, 0)) with { CompletionTokens = 0 };
                yield return ("message_start", new JsonObject
                {
                    ["type"] = "message_start",
                    ["message"] = new JsonObject
                    {
                        ["id"] = started.Id, ["type"] = "message", ["role"] = "assistant", ["model"] = started.Model, ["content"] = new JsonArray(),
                        ["stop_reason"] = null, ["stop_sequence"] = null,
                        ["usage"] = AnthropicUsage.Write(_prompt),
                    },
                });
                break;
            case ThinkingDelta { Text.Length: > 0 } thought when thinking:
                if (_open is null || _openType != "thinking")
                {
                    foreach (var e in Open(AnthropicBlocks.Thinking("")))
                        yield return e;
                }

                yield return Delta(_open!.Value, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = thought.Text });
                break;
            case TextDelta { Text.Length: > 0 } text:
                if (_open is null || _openType != "text")
                {
                    foreach (var e in Open(new JsonObject { ["type"] = "text", ["text"] = "" }))
                        yield return e;
                }

                yield return Delta(_open!.Value, new JsonObject { ["type"] = "text_delta", ["text"] = text.Text });
                break;
            case ToolCallStarted call:
                foreach (var e in Open(new JsonObject { ["type"] = "tool_use", ["id"] = SignedToolCallId.Write(call.Id, call.Signature), ["name"] = call.Name, ["input"] = new JsonObject() }))
                    yield return e;
                _blockByTool[call.Index] = _open!.Value;
                break;
            case ToolCallArgumentsDelta args when _blockByTool.TryGetValue(args.Index, out var block):
                yield return Delta(block, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = args.JsonFragment });
                break;
            case ServerToolCallDelta call:
                // Anthropic starts a server_tool_use with an empty input and streams the input after it.
                var server = AnthropicServerToolBlocks.Call(call.Part);
                var input = server["input"]!.ToJsonString();
                server["input"] = new JsonObject();
                foreach (var e in Open(server))
                    yield return e;
                yield return Delta(_open!.Value, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = input });
                yield return Close()!.Value;
                break;
            case ServerToolResultDelta result:
                if (AnthropicServerToolBlocks.IsSearchMade(result.Part))
                    _webSearches++;
                foreach (var e in Open(AnthropicServerToolBlocks.Result(result.Part)))
                    yield return e;
                yield return Close()!.Value;
                break;
            case StreamFinished finished:
                if (Close() is { } stop)
                    yield return stop;
                yield return ("message_delta", new JsonObject
                {
                    ["type"] = "message_delta",
                    ["delta"] = new JsonObject { ["stop_reason"] = AnthropicResponseWriter.StopReason(finished.Reason) ?? "end_turn", ["stop_sequence"] = null },
                    ["usage"] = AnthropicUsage.WriteDelta(finished.Usage ?? _prompt, _webSearches),
                });
                yield return ("message_stop", new JsonObject { ["type"] = "message_stop" });
                Finished = true;
                break;
            case StreamFailed failed:
                yield return Error(500, failed.Message);
                break;
        }
    }

    private static (string Event, JsonObject Data) Error(int status, string message) => ("error", AnthropicError.Of(status, message).ToJson());

    /// <summary>One server-sent event: its name, its data on one line, and the blank line that ends it.</summary>
    private static string Frame((string Event, JsonObject Data) e) => $"event: {e.Event}\ndata: {e.Data.ToJsonString()}\n\n";

    private IEnumerable<(string, JsonObject)> Open(JsonObject block)
    {
        if (Close() is { } stop)
            yield return stop;
        _open = _blocks++;
        _openType = (string?)block["type"];
        yield return ("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _open, ["content_block"] = block });
    }

    private (string, JsonObject)? Close()
    {
        if (_open is not { } index)
            return null;
        _open = null;
        return ("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index });
    }

    private static (string, JsonObject) Delta(int index, JsonObject delta) =>
        ("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });
}
