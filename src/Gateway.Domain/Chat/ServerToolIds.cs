namespace Gateway.Domain.Chat;

/// <summary>
/// The ids a dialect gives the blocks or parts that show the gateway's own tool calls: the model's call id behind a
/// prefix of the gateway's, so that a client's echo of one is known for the gateway's (and not the provider's own
/// server tool's), and the upstream is sent the call under the id the model gave it.
/// </summary>
public sealed class ServerToolIds(string prefix)
{
    public string Prefix => prefix;

    public string Write(string callId) => callId.StartsWith(prefix, StringComparison.Ordinal) ? callId : prefix + callId;

    public string Read(string id) => IsGateways(id) ? id[prefix.Length..] : id;

    public bool IsGateways(string? id) => id?.StartsWith(prefix, StringComparison.Ordinal) == true;
}
