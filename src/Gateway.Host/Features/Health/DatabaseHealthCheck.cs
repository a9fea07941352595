using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Gateway.Host.Features.Health;

/// <summary>Ready means PostgreSQL answers within two seconds.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(deadline.Token);
            await using var cmd = new NpgsqlCommand("select 1", conn);
            await cmd.ExecuteScalarAsync(deadline.Token);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // Pooled connections died with the server: drop them so the next check reconnects
            // instead of failing on a dead socket after the database is back.
            dataSource.Clear();
            return HealthCheckResult.Unhealthy(e is OperationCanceledException ? "PostgreSQL did not answer within 2 s" : "PostgreSQL is unreachable");
        }
    }
}
