namespace Gateway.Host.Features.Providers;

/// <summary>
/// An upstream key in memory. Its id is derived from a keyed hash of the secret, so it is stable
/// across restarts, identical keys are recognised as duplicates, and neither reveals the secret.
/// </summary>
internal sealed record UpstreamKey(string Id, string Secret, string Label, string LastFour)
{
    public override string ToString() => $"{Label} (…{LastFour})";
}
