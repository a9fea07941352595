using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// Writes canonical deltas as OpenAI chat completion chunks; ends with the usage chunk when the client
/// asked for it, then <c>[DONE]</c>.
/// </summary>
internal sealed class OpenAIChunkWriter(bool includeUsage, long created) : TranslatedStreamRelay.IEventWriter
{
    private string _id = "chatcmpl-gateway";
    private string _model = "";

    public IEnumerable<string> Write(ChatDelta delta)
    {
        if (delta is StreamStarted started)
            (_id, _model) = (started.Id, started.Model);
        if (OpenAIChat.WriteChunk(delta, _id, _model, created) is { } chunk)
            yield return Data(chunk.ToJsonString());
    }

    public IEnumerable<string> End(ChatUsage usage)
    {
        if (includeUsage)
            yield return Data(OpenAIChat.UsageChunk(_id, _model, created, usage).ToJsonString());
        yield return Data("[DONE]");
    }

    public string Failure(StreamFault fault) => Error(fault);

    /// <summary>The error chunk the OpenAI SDKs read from a stream that failed after it began.</summary>
    public static string Error(StreamFault fault) =>
        Data(JsonSerializer.Serialize(new { error = new { message = fault.Message, type = DialectErrors.OpenAIType(fault.Status), code = fault.Code } }));

    private static string Data(string data) => $"data: {data}\n\n";
}
