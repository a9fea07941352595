namespace Gateway.Host.Persistence.EventStore;

/// <summary>What the writer believes about a stream before appending to it.</summary>
internal readonly record struct ExpectedVersion
{
    private const long AnyMarker = -1;
    private const long NoStreamMarker = 0;

    private ExpectedVersion(long value) => Value = value;

    /// <summary>Append whatever the stream's state (creating it if missing).</summary>
    public static ExpectedVersion Any { get; } = new(AnyMarker);

    /// <summary>The stream must not exist yet: concurrent creators get a <see cref="ConcurrencyException"/>.</summary>
    public static ExpectedVersion NoStream { get; } = new(NoStreamMarker);

    internal long Value { get; }

    public bool IsAny => Value == AnyMarker;

    public bool IsNoStream => Value == NoStreamMarker;

    /// <summary>The stream must exist and hold exactly <paramref name="version"/> events (the ETag a client saw).</summary>
    public static ExpectedVersion Exactly(long version) =>
        version >= 1 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "use NoStream for a stream that must not exist");

    /// <summary>Whether a stream at <paramref name="actual"/> (null when missing) satisfies this expectation.</summary>
    public bool IsSatisfiedBy(long? actual) =>
        IsAny || (IsNoStream ? actual is null : actual == Value);

    public override string ToString() => IsAny ? "any" : IsNoStream ? "no stream" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
