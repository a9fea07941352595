using System.Collections.Concurrent;
using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Tests.Infrastructure;
using Npgsql;

namespace Gateway.Host.Tests.Persistence;

/// <summary>Remembers every event it is given, in order, and counts any delivered twice.</summary>
internal sealed class RecordingProjection(string name = "recorder", ConcurrentDictionary<Guid, int>? sharedDeliveries = null) : IAsyncProjection
{
    private readonly List<StoredEvent> _seen = [];
    private readonly ConcurrentDictionary<Guid, int> _deliveries = sharedDeliveries ?? new();

    public string Name { get; } = name;

    public int Duplicates => _deliveries.Count(d => d.Value > 1);

    public IReadOnlyList<StoredEvent> Seen
    {
        get
        {
            lock (_seen)
                return [.. _seen];
        }
    }

    public Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        lock (_seen)
            _seen.AddRange(events);
        foreach (var e in events)
            _deliveries.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    /// <summary>Waits until it has been given at least <paramref name="count"/> events.</summary>
    public Task WaitForAsync(int count, TimeSpan within) =>
        Eventually.Until(() => Seen.Count, n => n >= count, $"{count} events given to projection {Name}", within);
}
