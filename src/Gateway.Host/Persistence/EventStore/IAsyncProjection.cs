using Npgsql;

namespace Gateway.Host.Persistence.EventStore;

/// <summary>
/// Processes every committed event once, in commit order, behind the writers. Its own writes go
/// through the transaction handed to <see cref="ApplyAsync"/>, which also moves the checkpoint,
/// so a crash between the two cannot happen and no event is applied twice.
/// </summary>
internal interface IAsyncProjection
{
    /// <summary>Stable name: the key of this projection's checkpoint in <c>projection_progress</c>.</summary>
    string Name { get; }

    Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
