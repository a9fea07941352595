namespace Gateway.Domain.Upstreams;

/// <summary>What an upstream's refusal means for the key that got it and for the request.</summary>
public enum FailureKind
{
    /// <summary>A per-minute (or unspecified short) rate limit: cool the key down, try another.</summary>
    RateLimited,

    /// <summary>A daily quota is spent: the key is out until the next daily reset, try another.</summary>
    DailyQuotaExhausted,

    /// <summary>401/403: the key is bad or banned: disable it with the reason, try another.</summary>
    KeyRejected,

    /// <summary>5xx, timeouts, dropped connections: retry once on the same key, then another.</summary>
    Transient,

    /// <summary>The prompt does not fit the model: no other key can help, answer at once.</summary>
    ContextLength,

    /// <summary>Any other 4xx: the request itself is wrong, answer at once.</summary>
    BadRequest,
}

/// <param name="RetryAfter">How long the upstream asked us to wait, when it said.</param>
/// <param name="Model">For per-model quotas (Gemini), the model the quota belongs to.</param>
/// <param name="Detail">A short, secret-free description for the key's status page and logs.</param>
public sealed record UpstreamFailure(FailureKind Kind, TimeSpan? RetryAfter, string? Model, string Detail)
{
    /// <summary>Whether another key (or another attempt) could succeed where this one failed.</summary>
    public bool ShouldRotate => Kind is FailureKind.RateLimited or FailureKind.DailyQuotaExhausted or FailureKind.KeyRejected or FailureKind.Transient;
}
