using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>Anthropic's stream events, framed as SSE, from another upstream's deltas.</summary>
/// <param name="thinking">Whether the client enabled thinking, so that thinking blocks go out.</param>
internal sealed class AnthropicEventWriter(int estimatedInputTokens, bool thinking) : TranslatedStreamRelay.IEventWriter
{
    private readonly AnthropicStreamWriter _writer = new(estimatedInputTokens, thinking);

    public IEnumerable<string> Write(ChatDelta delta) => _writer.Write(delta).Select(Frame);

    /// <summary>An upstream that stopped without saying it finished has not finished: the client is told so.</summary>
    public IEnumerable<string> End(ChatUsage usage) =>
        _writer.Finished ? [] : [Frame(AnthropicStreamWriter.Error("the upstream ended the stream before the answer finished"))];

    public string Failure(StreamFault fault) => Error(fault);

    /// <summary>Anthropic's <c>event: error</c>, its type the one Anthropic gives the status (api_error, timeout_error).</summary>
    public static string Error(StreamFault fault) => Frame(AnthropicStreamWriter.Error(fault.Message, DialectErrors.AnthropicType(fault.Status)));

    public static string Frame((string Event, System.Text.Json.Nodes.JsonObject Data) e) => $"event: {e.Event}\ndata: {e.Data.ToJsonString()}\n\n";
}
