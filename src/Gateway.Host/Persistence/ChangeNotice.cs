using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>
/// Tells every instance, inside the writing transaction (so only on commit), which item of a
/// projection changed; the schema travels along so instances on other schemas ignore it.
/// </summary>
internal static class ChangeNotice
{
    public static async Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string channel, string id, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand($"select pg_notify('{channel}', current_schema() || '|' || $1)", connection, transaction);
        notify.Parameters.Add(new() { Value = id });
        await notify.ExecuteNonQueryAsync(ct);
    }
}
