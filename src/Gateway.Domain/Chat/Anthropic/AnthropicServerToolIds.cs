namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// The ids of the gateway's <c>server_tool_use</c> blocks: the model's call id behind a prefix of the gateway's, so
/// that a client's echo of one is known for the gateway's (and not Anthropic's own <c>srvtoolu_</c> call), and the
/// upstream is sent the call under the id the model gave it.
/// </summary>
public static class AnthropicServerToolIds
{
    public const string Prefix = "srvtoolu_gw_";

    public static string Write(string callId) => callId.StartsWith(Prefix, StringComparison.Ordinal) ? callId : Prefix + callId;

    public static string Read(string id) => IsGateways(id) ? id[Prefix.Length..] : id;

    public static bool IsGateways(string? id) => id?.StartsWith(Prefix, StringComparison.Ordinal) == true;
}
