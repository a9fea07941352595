using Gateway.Host.Persistence.EventStore;
using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>
/// An inline projection that keeps one table in step with its streams, one statement per event, inside
/// the appending transaction, and tells every instance which item changed (<see cref="ChangeNotice"/>),
/// so their in-memory stores reload just that item.
/// </summary>
internal abstract class NotifyingProjection(string channel) : IInlineProjection
{
    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        foreach (var e in events)
        {
            await using var cmd = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            if (Write(e, cmd) is not { } changed)
                continue;
            await cmd.ExecuteNonQueryAsync(ct);
            await ChangeNotice.SendAsync(connection, transaction, channel, changed, ct);
        }
    }

    /// <summary>Fills <paramref name="cmd"/> with the event's statement; returns the changed item's id, or null for an event of no concern here.</summary>
    protected abstract string? Write(StoredEvent e, NpgsqlCommand cmd);
}
