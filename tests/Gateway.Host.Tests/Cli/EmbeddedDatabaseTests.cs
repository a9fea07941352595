using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Cli;

/// <summary><c>gateway serve</c> with no database configured, as a first-time user runs it.</summary>
public sealed class EmbeddedDatabaseTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _dir = GatewayProcess.TraversableTempDirectory("gateway-embedded-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Should_start_a_private_cluster_stop_it_on_sigterm_and_keep_its_data_across_restarts()
    {
        var dataDir = Path.Combine(_dir, "data");
        var pgData = Path.Combine(dataDir, "postgres");

        var first = await ServeUntilReadyAsync(dataDir);
        Assert.Contains("Applied migration 0001_event_store", first.Log, StringComparison.Ordinal);
        Assert.True(first.ClusterWasRunning);
        if (Environment.UserName == "root")
            Assert.Equal("postgres", await OwnerAsync(pgData));
        Assert.Equal(0, first.ExitCode);
        Assert.False(File.Exists(Path.Combine(pgData, "postmaster.pid")), "the embedded PostgreSQL is still running after shutdown");

        var second = await ServeUntilReadyAsync(dataDir);
        Assert.DoesNotContain("Applied migration", second.Log, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
    }

    [Fact]
    public async Task Should_run_the_embedded_cluster_as_the_ordinary_user_that_runs_the_gateway()
    {
        // Run as root, the suite switches to the unprivileged 'nobody' to take the ordinary user's path.
        var user = Environment.UserName == "root" ? "nobody" : null;
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_111_111);
        var dataDir = Path.Combine(_dir, "data");

        var run = await ServeUntilReadyAsync(dataDir, user);

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.ClusterWasRunning);
        Assert.Equal(user ?? Environment.UserName, await OwnerAsync(Path.Combine(dataDir, "postgres")));
        Assert.False(File.Exists(Path.Combine(dataDir, "postgres", "postmaster.pid")));
    }

    [Fact]
    public async Task Should_apply_migrations_once_when_two_migrate_commands_run_at_once()
    {
        var schema = postgres.NewSchema(nameof(EmbeddedDatabaseTests)).Schema;
        var env = new Dictionary<string, string>
        {
            ["GATEWAY_DATABASE_URL"] = postgres.ConnectionString,
            ["GATEWAY_DATABASE_SCHEMA"] = schema,
        };

        var runs = await Task.WhenAll(
            GatewayProcess.RunAsync(_dir, env, "migrate"),
            GatewayProcess.RunAsync(_dir, env, "migrate"));

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        Assert.Single(runs, r => r.StdOut.Contains($"applied {Migrator.Embedded.Count} migration(s)", StringComparison.Ordinal));
        Assert.Single(runs, r => r.StdOut.Contains("is up to date", StringComparison.Ordinal));
        foreach (var run in runs)
            await run.DisposeAsync();
    }

    private sealed record Run(string Log, int ExitCode, bool ClusterWasRunning);

    private async Task<Run> ServeUntilReadyAsync(string dataDir, string? user = null)
    {
        var port = LocalPostgresCluster.FreeLoopbackPort();
        await using var serve = GatewayProcess.StartAs(user, _dir, null, "serve", "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await serve.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(90));

        var clusterWasRunning = File.Exists(Path.Combine(dataDir, "postgres", "postmaster.pid"));
        await serve.TerminateAsync(TimeSpan.FromSeconds(60));
        return new Run(serve.StdOut + serve.StdErr, serve.ExitCode, clusterWasRunning);
    }

    private static async Task<string> OwnerAsync(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true })!;
        return (await stat.StandardOutput.ReadToEndAsync()).Trim();
    }
}
