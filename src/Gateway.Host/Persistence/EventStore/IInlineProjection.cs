using Npgsql;

namespace Gateway.Host.Persistence.EventStore;

/// <summary>
/// Updates read tables in the same transaction as the append: the read model is never behind the
/// stream and a failing projection rolls the append back.
/// </summary>
internal interface IInlineProjection
{
    Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
