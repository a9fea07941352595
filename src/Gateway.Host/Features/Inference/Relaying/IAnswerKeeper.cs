namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// What a dialect keeps of an answer before the client sees it end (the Responses API stores each response, so a
/// client that continues the moment it has read one, on any instance, finds it). The relay hands it a whole answer
/// before writing it, and a stream's bytes as they go: the keeper says what may go now and holds the rest (the
/// stream's terminal event) until the stream has completed and the answer is kept. One instance per request.
/// </summary>
internal interface IAnswerKeeper
{
    /// <summary>Keeps a whole answer (the bytes the client is about to get), before they are written.</summary>
    Task KeepAnswerAsync(ReadOnlyMemory<byte> answer, CancellationToken ct);

    /// <summary>What of these stream bytes may reach the client now; the keeper holds whatever it does not return.</summary>
    ReadOnlyMemory<byte> Pass(ReadOnlyMemory<byte> frames);

    /// <summary>The stream completed: keeps what it held, and gives back the held bytes for the client.</summary>
    Task<ReadOnlyMemory<byte>> KeepStreamAsync(CancellationToken ct);
}
