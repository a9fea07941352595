using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>
/// Tells every instance what changed, as <c>schema|detail</c> on a channel (see <see cref="NotificationListener"/>):
/// inside the writing transaction, so only on commit, or at once when nothing is written with it. The schema travels
/// along so instances on other schemas ignore it.
/// </summary>
internal static class ChangeNotice
{
    private static string Sql(string channel) => $"select pg_notify('{channel}', current_schema() || '|' || $1)";

    public static async Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string channel, string id, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand(Sql(channel), connection, transaction);
        notify.Parameters.Add(new() { Value = id });
        await notify.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A notice that goes with no write: sent at once.</summary>
    public static async Task SendAsync(NpgsqlDataSource dataSource, string channel, string detail, CancellationToken ct)
    {
        await using var notify = dataSource.CreateCommand(Sql(channel));
        notify.Parameters.Add(new() { Value = detail });
        await notify.ExecuteNonQueryAsync(ct);
    }
}
