using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>The bytes a client gets for a whole upstream answer (as it came, or translated), and what the answer used.</summary>
/// <param name="Usage">Null when the answer reports nothing (and the gateway estimates nothing).</param>
internal sealed record RelayedAnswer(byte[] Body, ChatUsage? Usage, bool UsageEstimated);
