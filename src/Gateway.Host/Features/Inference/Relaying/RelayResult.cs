using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>How one upstream answer reached the client, as the usage record and the key's lease see it.</summary>
/// <param name="Usage">What the answer used; null when a whole answer reported nothing.</param>
/// <param name="UsageEstimated">True when the tokens were estimated rather than reported by the upstream.</param>
internal sealed record RelayResult(RelayEnd End, ChatUsage? Usage, bool UsageEstimated, double? TimeToFirstTokenMs)
{
    /// <summary>The status the record keeps: 502 when the upstream broke off, 504 when it stalled, 499 when the client left.</summary>
    public int Status => End switch
    {
        RelayEnd.Completed => 200,
        RelayEnd.UpstreamBroke => 502,
        RelayEnd.UpstreamStalled => 504,
        RelayEnd.ClientLeft => 499,
    };

    public bool ClientLeft => End == RelayEnd.ClientLeft;
}
