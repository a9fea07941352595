using System.Text.Json;

namespace Gateway.Host.Persistence.EventStore;

/// <summary>An event as committed: its place in the global order is <c>(Tx, Seq)</c>.</summary>
/// <param name="Version">Position within its stream; null for facts appended without a version check.</param>
internal sealed record StoredEvent(
    long Seq,
    ulong Tx,
    Guid Id,
    string StreamId,
    long? Version,
    string Type,
    string Data,
    EventMetadata Metadata,
    DateTimeOffset CreatedAt)
{
    public T Deserialize<T>(JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(Data, options) ?? throw new JsonException($"event {Id} ({Type}) has null data");
}
