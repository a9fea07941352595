using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Gateway.Host.Persistence.Migrations;

/// <summary>
/// Applies the ordered SQL files of <c>migrations/</c> (embedded in the binary) to the gateway's
/// schema, each once, each in its own transaction, under an advisory lock so that instances starting
/// together take turns instead of racing.
/// </summary>
/// <param name="migrations">What to apply: the embedded migrations, or (to test one against data stored before it) the first of them.</param>
internal sealed partial class Migrator(
    NpgsqlDataSource dataSource, string schema, ILogger<Migrator> logger, IReadOnlyList<Migrator.Migration>? migrations = null)
{
    internal sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql))).ToLowerInvariant();
    }

    [GeneratedRegex(@"^migrations/(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <returns>The names of the migrations this call applied (empty when the schema was current).</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(conn, $"select pg_advisory_lock({LockKey(schema)})", ct);
        try
        {
            // Under the lock: two instances racing on "create schema if not exists" can still collide.
            await ExecuteAsync(conn, $"create schema if not exists {QuoteIdentifier(schema)}", ct);
            await ExecuteAsync(conn, """
                create table if not exists schema_migrations (
                    version    integer primary key,
                    name       text not null,
                    checksum   text not null,
                    applied_at timestamptz not null default now())
                """, ct);
            var applied = await AppliedAsync(conn, ct);
            var done = new List<string>();
            foreach (var migration in migrations ?? Embedded)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                        throw new MigrationException(
                            $"migration {migration.Version:D4}_{migration.Name} was changed after it was applied; add a new migration instead");
                    continue;
                }

                await using var tx = await conn.BeginTransactionAsync(ct);
                await ExecuteAsync(conn, migration.Sql, ct, tx);
                await using var record = new NpgsqlCommand(
                    "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", conn, tx)
                {
                    Parameters = { new() { Value = migration.Version }, new() { Value = migration.Name }, new() { Value = migration.Checksum } },
                };
                await record.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                LogApplied(migration.Version, migration.Name);
                done.Add($"{migration.Version:D4}_{migration.Name}");
            }

            return done;
        }
        finally
        {
            await ExecuteAsync(conn, $"select pg_advisory_unlock({LockKey(schema)})", CancellationToken.None);
        }
    }

    /// <summary>Quotes a schema name for use in SQL text; schema names come from configuration, not callers.</summary>
    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static long LockKey(string schema) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("gateway:migrations:" + schema)), 0);

    private static async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = new Dictionary<int, string>();
        await using var cmd = new NpgsqlCommand("select version, checksum from schema_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            applied[reader.GetInt32(0)] = reader.GetString(1);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
                continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new MigrationException($"two migrations share version {duplicate.Key:D4}");
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version:D4}_{Name}")]
    private partial void LogApplied(int version, string name);
}

internal sealed class MigrationException(string message) : Exception(message);
