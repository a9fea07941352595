using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gateway.Host.Hosting;
using Npgsql;

namespace Gateway.Host.Persistence.Postgres;

/// <summary>
/// A private PostgreSQL cluster under a folder of ours, started from the machine's server programs.
/// The embedded default database of <c>gateway serve</c> and the throwaway database of the test suite.
/// </summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string Superuser = "gateway";
    private const string ServiceUser = "postgres";
    private const string Database = "gateway";

    private readonly string _binDir;
    private readonly string _pgData;
    private readonly string? _runAs;
    private bool _stopped;

    private LocalPostgresCluster(string binDir, string pgData, string? runAs, int port, string password)
    {
        _binDir = binDir;
        _pgData = pgData;
        _runAs = runAs;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = password,
            Database = Database,
        }.ConnectionString;
    }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// Initialises the cluster on first use, starts it on a free loopback port (or adopts the one a
    /// crashed gateway left running on the same folder) and makes sure the gateway database exists.
    /// </summary>
    /// <param name="dataDir">The folder that holds the cluster (in <c>postgres/</c>) and its password file.</param>
    /// <param name="durable">False for throwaway test clusters: no fsync, much faster.</param>
    /// <param name="port">A fixed port (to restart where clients expect it); null picks a free one.</param>
    public static async Task<LocalPostgresCluster> StartAsync(string dataDir, string? binDir, bool durable, CancellationToken ct, int? port = null)
    {
        var bin = PostgresBinaries.Locate(binDir)
            ?? throw new LocalClusterException(
                binDir is null
                    ? $"no PostgreSQL server programs (initdb, pg_ctl) found: {PostgresBinaries.InstallHint}"
                    : $"no initdb and pg_ctl in {binDir} (GATEWAY_POSTGRES_BIN): {PostgresBinaries.InstallHint}");
        var runAs = Environment.UserName == "root" ? await RequireServiceUserAsync(ct) : null;

        var root = Path.GetFullPath(dataDir);
        DataDirectory.EnsureWritable(root);
        var pgData = Path.Combine(root, "postgres");
        var passwordFile = Path.Combine(root, "postgres.password");

        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
            await InitialiseAsync(bin, pgData, passwordFile, runAs, durable, ct);
        else if (!File.Exists(passwordFile))
            throw new LocalClusterException(
                $"the embedded cluster in {pgData} exists but its password file {passwordFile} is missing; " +
                "restore it or move the folder away to start afresh");

        var password = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();
        var listening = await RunningPortAsync(bin, pgData, runAs, ct)
            ?? await StartServerAsync(bin, pgData, runAs, durable, port, ct);

        var cluster = new LocalPostgresCluster(bin, pgData, runAs, listening, password);
        await cluster.EnsureDatabaseAsync(ct);
        return cluster;
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await PostgresProcess.RunAsync(
            Path.Combine(_binDir, "pg_ctl"), ["stop", "-D", _pgData, "-m", "fast", "-w", "-t", "60"], _runAs, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static async Task<string> RequireServiceUserAsync(CancellationToken ct)
    {
        var id = await PostgresProcess.RunAsync("id", ["-u", ServiceUser], null, ct);
        if (!id.Succeeded)
            throw new LocalClusterException(
                "PostgreSQL will not run as root and there is no 'postgres' OS user to run it as: " +
                "create one (useradd --system postgres), run the gateway as an ordinary user, or use --database-url");
        return ServiceUser;
    }

    private static async Task InitialiseAsync(
        string bin, string pgData, string passwordFile, string? runAs, bool durable, CancellationToken ct)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Directory.CreateDirectory(pgData);
        var pwFile = Path.Combine(pgData + ".init", "pw");
        Directory.CreateDirectory(Path.GetDirectoryName(pwFile)!);
        await File.WriteAllTextAsync(pwFile, password, ct);
        try
        {
            if (runAs is not null)
            {
                await ChownAsync(runAs, ct, pgData, Path.GetDirectoryName(pwFile)!);
                var reach = await PostgresProcess.RunAsync("test", ["-w", pgData], runAs, ct);
                if (!reach.Succeeded)
                {
                    Directory.Delete(pgData);
                    throw new LocalClusterException(
                        $"the postgres OS user cannot reach {pgData} (a parent folder is closed to it, such as /root); " +
                        "choose a data dir it can enter with --data-dir or GATEWAY_DATA_DIR");
                }
            }

            List<string> args = ["-D", pgData, "-U", Superuser, $"--pwfile={pwFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"];
            if (!durable)
                args.Add("--no-sync");
            var init = await PostgresProcess.RunAsync(Path.Combine(bin, "initdb"), args, runAs, ct);
            if (!init.Succeeded)
            {
                Directory.Delete(pgData, recursive: true);
                throw new LocalClusterException($"initdb failed in {pgData}: {init.LastErrorLine}");
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(pwFile)!, recursive: true);
        }

        await File.WriteAllTextAsync(passwordFile, password, ct);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static async Task ChownAsync(string user, CancellationToken ct, params string[] paths)
    {
        var chown = await PostgresProcess.RunAsync("chown", ["-R", $"{user}:", .. paths], null, ct);
        if (!chown.Succeeded)
            throw new LocalClusterException($"could not hand {string.Join(", ", paths)} to the {user} OS user: {chown.LastErrorLine}");
    }

    /// <summary>The port of a server already running on this folder (left by a gateway that was killed), if any.</summary>
    private static async Task<int?> RunningPortAsync(string bin, string pgData, string? runAs, CancellationToken ct)
    {
        var pidFile = Path.Combine(pgData, "postmaster.pid");
        if (!File.Exists(pidFile))
            return null;
        var status = await PostgresProcess.RunAsync(Path.Combine(bin, "pg_ctl"), ["status", "-D", pgData], runAs, ct);
        if (!status.Succeeded)
            return null;
        // postmaster.pid line 4 is the port the running server listens on.
        var lines = await File.ReadAllLinesAsync(pidFile, ct);
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private static async Task<int> StartServerAsync(string bin, string pgData, string? runAs, bool durable, int? fixedPort, CancellationToken ct)
    {
        // Sockets off: the cluster is reachable only over loopback TCP, where scram authentication applies.
        var settings = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200";
        if (!durable)
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var log = Path.Combine(pgData, "server.log");

        PostgresProcess.Result? start = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = fixedPort ?? FreeLoopbackPort();
            start = await PostgresProcess.RunAsync(
                Path.Combine(bin, "pg_ctl"),
                ["start", "-D", pgData, "-l", log, "-w", "-t", "60", "-o", $"-p {port} {settings}"],
                runAs, ct);
            if (start.Succeeded)
                return port;
            // Another process may have taken the port between our probe and postgres binding it.
            if (fixedPort is not null || !LogTail(log).Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                break;
        }

        throw new LocalClusterException($"the embedded PostgreSQL in {pgData} did not start: {LastMeaningfulLine(LogTail(log)) ?? start!.LastErrorLine}");
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn) { Parameters = { new() { Value = Database } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database {Database}", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A port free on 127.0.0.1 right now (the embedded cluster's, and the test and bench servers').</summary>
    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LogTail(string log)
    {
        try
        {
            var text = File.ReadAllText(log);
            return text.Length > 4000 ? text[^4000..] : text;
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string? LastMeaningfulLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal));
}
