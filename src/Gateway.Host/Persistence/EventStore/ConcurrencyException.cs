namespace Gateway.Host.Persistence.EventStore;

/// <summary>
/// The stream was not at the version the writer expected: someone else wrote first.
/// The edge maps it to 409 (create) or 412 (If-Match update).
/// </summary>
internal sealed class ConcurrencyException(string streamId, ExpectedVersion expected, long? actual)
    : Exception($"stream {streamId} expected at {expected} but is at {(actual is null ? "no stream" : actual.ToString())}")
{
    public string StreamId { get; } = streamId;

    public ExpectedVersion Expected { get; } = expected;

    /// <summary>The stream's version when the append was refused; null when the stream does not exist.</summary>
    public long? Actual { get; } = actual;
}

/// <summary>An event id was reused for a different append: a caller bug, never a retry.</summary>
internal sealed class DuplicateEventException(Guid eventId, string streamId)
    : Exception($"event {eventId} is already stored in another append than the one on stream {streamId}")
{
    public Guid EventId { get; } = eventId;
}
