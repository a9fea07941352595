namespace Gateway.Domain.Upstreams;

/// <summary>
/// Requests-per-minute and tokens-per-minute limits of virtual keys (set on the key). A request is
/// admitted against the request window and the tokens already spent; its real tokens are charged
/// when it ends. Thread-safe. Counts are per gateway instance.
/// </summary>
public sealed class CallerLimits
{
    private readonly Dictionary<string, (MinuteWindow Requests, MinuteWindow Tokens)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <returns>Null when admitted (and counted); otherwise when to retry and why.</returns>
    public (DateTimeOffset RetryAt, string Reason)? TryAdmit(string keyId, int? rpm, int? tpm, int estimatedTokens, DateTimeOffset now)
    {
        if (rpm is null && tpm is null)
            return null;
        lock (_lock)
        {
            var (requests, tokens) = Windows(keyId);
            if (rpm is { } r && requests.Sum(now) >= r)
                return (requests.NextExpiry(now) ?? now, $"this key's limit of {r} requests per minute is reached");
            if (tpm is { } t && tokens.Sum(now) is > 0 and var spent && spent + estimatedTokens > t)
                return (tokens.NextExpiry(now) ?? now, $"this key's limit of {t} tokens per minute is reached");
            requests.Add(now, 1);
            return null;
        }
    }

    public void Charge(string keyId, int tokens, DateTimeOffset now)
    {
        if (tokens <= 0)
            return;
        lock (_lock)
            Windows(keyId).Tokens.Add(now, tokens);
    }

    private (MinuteWindow Requests, MinuteWindow Tokens) Windows(string keyId)
    {
        if (!_windows.TryGetValue(keyId, out var windows))
            _windows[keyId] = windows = (new MinuteWindow(), new MinuteWindow());
        return windows;
    }
}
