using Npgsql;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>One test's schema: a data source bound to it and small helpers for checking what was written.</summary>
public sealed class TestDatabase(string schema, string connectionString) : IAsyncDisposable
{
    public string Schema { get; } = schema;

    public string ConnectionString { get; } = connectionString;

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
