using System.Text;

namespace Gateway.Domain.Chat;

/// <summary>
/// Gemini's thought signature, carried through a client of another dialect inside the id of the tool call
/// it belongs to. Gemini 3 answers a function call with a <c>thoughtSignature</c> and refuses the next turn
/// if that call comes back without it; OpenAI's and Anthropic's wire formats have no field for it, but every
/// client sends each call's id back twice (on the assistant turn and on the tool result) exactly as it got it.
/// <para>
/// The id rather than state kept by the gateway: nothing to store per call and tenant, to expire or to share
/// between instances, and a conversation resumed after a restart, on another instance or days later still
/// carries what Gemini needs.
/// </para>
/// The client sees <c>{id}__thought__{signature as unpadded base64url of its UTF-8}</c>: only
/// <c>[A-Za-z0-9_-]</c>, so it is also a valid Anthropic <c>tool_use.id</c> (<c>^[a-zA-Z0-9_-]+$</c>), and the
/// signature comes back byte for byte whatever its own alphabet. An id without the mark, or whose tail is not
/// such base64url, is an ordinary id and stays as it is.
/// </summary>
public static class SignedToolCallId
{
    private const string Mark = "__thought__";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The id to give the client: the call's own id, with the signature after the mark when there is one.</summary>
    public static string Write(string id, string? signature) =>
        string.IsNullOrEmpty(signature) ? id : id + Mark + Convert.ToBase64String(Encoding.UTF8.GetBytes(signature)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The call's own id and its signature from an id a client sent back. Gemini's calls carry ids the gateway
    /// makes (<c>call_{n}</c>) or none, so the first mark is the one <see cref="Write"/> added.
    /// </summary>
    public static (string Id, string? Signature) Read(string clientId)
    {
        var at = clientId.IndexOf(Mark, StringComparison.Ordinal);
        if (at <= 0)
            return (clientId, null);
        var tail = clientId[(at + Mark.Length)..];
        if (tail.Length == 0 || tail.Length % 4 == 1 || !tail.All(IsBase64Url))
            return (clientId, null);
        var base64 = tail.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (tail.Length % 4)) % 4);
        try
        {
            return (clientId[..at], StrictUtf8.GetString(Convert.FromBase64String(base64)));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return (clientId, null);
        }
    }

    private static bool IsBase64Url(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
