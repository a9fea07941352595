namespace Gateway.Domain.Upstreams;

public enum NextStep
{
    /// <summary>Try the same key once more (a first transient failure).</summary>
    RetrySameKey,

    /// <summary>Ask the pool for another key (or the next target of a fallback chain).</summary>
    TryAnotherKey,

    /// <summary>Give the client this error: no other key could do better.</summary>
    Answer,
}

/// <summary>What to do after an upstream failure, before the first byte has reached the client.</summary>
public static class RetryPolicy
{
    public const int DefaultMaxAttempts = 8;

    /// <param name="attemptsOnThisKey">How many times this request has now failed on this key.</param>
    public static NextStep After(UpstreamFailure failure, int attemptsOnThisKey) => failure.Kind switch
    {
        FailureKind.Transient when attemptsOnThisKey < 2 => NextStep.RetrySameKey,
        _ when failure.ShouldRotate => NextStep.TryAnotherKey,
        _ => NextStep.Answer,
    };
}
