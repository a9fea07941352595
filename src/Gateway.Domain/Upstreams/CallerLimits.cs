using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Upstreams;

/// <summary>
/// Requests-per-minute and tokens-per-minute limits of virtual keys (set on the key). A request is admitted against the
/// request window and the tokens already spent; its real tokens are charged when it ends. Thread-safe. With
/// <paramref name="shares"/>, the limits hold across every instance (each spends its leased share of the key's shared
/// windows); without, the counts are this instance's alone.
/// </summary>
public sealed class CallerLimits(QuotaShares? shares = null)
{
    private readonly Dictionary<string, (MinuteWindow Requests, MinuteWindow Tokens)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <returns>Null when admitted (and counted); otherwise when to retry and why, or the shares to lease before asking again.</returns>
    public CallerRefusal? TryAdmit(string keyId, int? rpm, int? tpm, int estimatedTokens, DateTimeOffset now)
    {
        if (rpm is null && tpm is null)
            return null;
        lock (_lock)
        {
            var (requests, tokens) = Windows(keyId);
            if (rpm is { } r && requests.Sum(now) >= r)
                return new(requests.NextExpiry(now) ?? now, $"this key's limit of {r} requests per minute is reached");
            if (tpm is { } t && tokens.Sum(now) is > 0 and var spent && spent + estimatedTokens > t)
                return new(tokens.NextExpiry(now) ?? now, $"this key's limit of {t} tokens per minute is reached");
            if (shares is not null && Shared(keyId, rpm, tpm, estimatedTokens, now) is { } refusal)
                return refusal;
            requests.Add(now, 1);
            return null;
        }
    }

    /// <summary>The tokens a request spent, against the estimate it was admitted with.</summary>
    public void Charge(string keyId, int? tpm, int tokens, int estimatedTokens, DateTimeOffset now)
    {
        if (tpm is { } t && shares is not null)
            shares.Settle(Key(keyId, QuotaDimension.TokensPerMinute), Math.Clamp(estimatedTokens, 1, t), tokens, now);
        if (tokens <= 0)
            return;
        lock (_lock)
            Windows(keyId).Tokens.Add(now, tokens);
    }

    /// <summary>A grant for one of the keys' shared windows came: the next <see cref="TryAdmit"/> can spend it.</summary>
    public void Granted(QuotaWant want, QuotaGrant grant, DateTimeOffset now) => shares?.Granted(want, grant, now);

    private CallerRefusal? Shared(string keyId, int? rpm, int? tpm, int estimatedTokens, DateTimeOffset now)
    {
        var needs = new List<(QuotaKey Key, long Limit, long Need)>(2);
        if (rpm is { } r)
            needs.Add((Key(keyId, QuotaDimension.RequestsPerMinute), r, 1));
        if (tpm is { } t)
            needs.Add((Key(keyId, QuotaDimension.TokensPerMinute), t, Math.Clamp(estimatedTokens, 1, t)));
        foreach (var need in needs)
        {
            if (shares!.RefusedUntil(need.Key, now) is { } until)
                return new(until, need.Key.Dimension == QuotaDimension.RequestsPerMinute
                    ? $"this key's limit of {rpm} requests per minute is reached across instances"
                    : $"this key's limit of {tpm} tokens per minute is reached across instances");
        }

        var lacking = needs.Where(n => shares!.Available(n.Key, now) < n.Need).ToList();
        if (lacking.Count > 0)
            return new(now, "this key's share of its limits is being leased", [.. lacking.Select(n => shares!.Want(n.Key, n.Limit, n.Need, now, now))]);
        foreach (var need in needs)
            shares!.TryTake(need.Key, need.Need, now);
        return null;
    }

    private static QuotaKey Key(string keyId, QuotaDimension dimension) => new(QuotaKey.Callers, keyId, "", dimension);

    private (MinuteWindow Requests, MinuteWindow Tokens) Windows(string keyId)
    {
        if (!_windows.TryGetValue(keyId, out var windows))
            _windows[keyId] = windows = (new MinuteWindow(), new MinuteWindow());
        return windows;
    }
}

/// <summary>Why a virtual key's request waits: when to retry and why; or, with <see cref="Wants"/>, the shares to lease first.</summary>
public sealed record CallerRefusal(DateTimeOffset RetryAt, string Reason, IReadOnlyList<QuotaWant>? Wants = null);
