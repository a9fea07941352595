using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Persistence.Postgres;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// The fake upstream and the real gateway in front of it, each its own process on 127.0.0.1 (the gateway with its
/// embedded PostgreSQL, authentication and usage recording on), with two virtual keys issued: one of an organisation
/// without a budget, one of an organisation with a monthly budget, so that its requests take the lease path (a price is
/// set for the model, so both are priced). More instances of the same deployment can be started on its PostgreSQL.
/// Disposing stops both processes and removes their folder.
/// </summary>
internal sealed class BenchGateway : IAsyncDisposable
{
    private const string AdminToken = "gwa_bench-proxy-admin-token";

    private readonly string _work;
    private readonly ChildProcess _upstream;
    private readonly ChildProcess _gateway;
    private readonly Launch _launch;
    private int? _postmaster;

    /// <summary>How this gateway's process was started: every other instance of its deployment starts the same way.</summary>
    private sealed record Launch(string GatewayDll, IReadOnlyDictionary<string, string>? Environment);

    private BenchGateway(string work, ChildProcess upstream, ChildProcess gateway, Launch launch, int upstreamPort, int gatewayPort, string key, string budgetedKey)
    {
        (_work, _upstream, _gateway, _launch) = (work, upstream, gateway, launch);
        UpstreamChatUrl = new Uri($"http://127.0.0.1:{upstreamPort}/v1/chat/completions");
        ChatUrl = new Uri($"http://127.0.0.1:{gatewayPort}/v1/chat/completions");
        Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" };
        BudgetedHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {budgetedKey}" };
    }

    public string Work => _work;

    public int UpstreamPid => _upstream.Id;

    public int GatewayPid => _gateway.Id;

    public Uri UpstreamChatUrl { get; }

    public Uri ChatUrl { get; }

    /// <summary>When the gateway answered its readiness probe: the clock of "full speed within N s of readiness".</summary>
    public DateTime ReadyAt { get; private init; }

    /// <summary>From the gateway process's start to its first ready answer: what compiling at once costs at start.</summary>
    public TimeSpan StartToReady { get; private init; }

    /// <summary>The header of the virtual key whose organisation has no budget.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The header of the virtual key whose organisation has a budget: every request is held on it and charged.</summary>
    public IReadOnlyDictionary<string, string> BudgetedHeaders { get; }

    /// <summary>Whether a process is this gateway or its embedded PostgreSQL (the postmaster or one of its backends).</summary>
    public bool Owns(int pid, int parentPid)
    {
        if (pid == GatewayPid)
            return true;
        var pidFile = Path.Combine(_work, "data", "postgres", "postmaster.pid");
        if (!File.Exists(pidFile))
            return false;
        _postmaster ??= int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        return pid == _postmaster || parentPid == _postmaster;
    }

    /// <summary>
    /// How to reach the embedded PostgreSQL the gateway started: the port its postmaster.pid names (line 4) and the
    /// password in the data dir, for the superuser and database <see cref="LocalPostgresCluster"/> creates.
    /// </summary>
    public string DatabaseConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = int.Parse(File.ReadLines(Path.Combine(_work, "data", "postgres", "postmaster.pid")).ElementAt(3), CultureInfo.InvariantCulture),
        Username = "gateway",
        Password = File.ReadAllText(Path.Combine(_work, "data", "postgres.password")).Trim(),
        Database = "gateway",
    }.ConnectionString;

    /// <summary>
    /// Another instance of the same deployment: its own process, port and data dir, on this gateway's PostgreSQL, with
    /// the same configuration, master key and admin token, so the keys issued here authenticate there.
    /// </summary>
    public async Task<GatewayInstance> StartInstanceAsync(string name)
    {
        var port = LocalPostgresCluster.FreeLoopbackPort();
        var environment = new Dictionary<string, string>(_launch.Environment ?? new Dictionary<string, string>())
        {
            // The environment rather than --database-url: the password stays out of the process list.
            ["GATEWAY_DATABASE_URL"] = DatabaseConnectionString,
        };
        var process = StartGateway(_work, name, Path.Combine(_work, $"data-{name}"), _launch with { Environment = environment }, port);
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{port}/health/readiness"), TimeSpan.FromSeconds(120), process);
        return new GatewayInstance(process, new Uri($"http://127.0.0.1:{port}/v1/chat/completions"));
    }

    /// <param name="moreConfig">YAML the gateway's file ends with, given the upstream's port.</param>
    /// <param name="gatewayDll">Another build of the gateway to run (to compare two builds in one run); this build's by default.</param>
    /// <param name="environment">Variables the gateway process gets besides its tokens (runtime settings to compare).</param>
    /// <param name="limits">Rate limits far above any load on the upstream key and both virtual keys: every request spends shares of shared windows.</param>
    public static async Task<BenchGateway> StartAsync(
        string name, Func<int, string>? moreConfig = null, string? gatewayDll = null, IReadOnlyDictionary<string, string>? environment = null, bool limits = false)
    {
        var work = Directory.CreateTempSubdirectory($"gateway-{name}bench-").FullName;
        // Run as root, the embedded PostgreSQL runs as the postgres user, which must enter this folder.
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        var self = typeof(BenchGateway).Assembly.Location;
        var upstreamPort = LocalPostgresCluster.FreeLoopbackPort();
        var gatewayPort = LocalPostgresCluster.FreeLoopbackPort();
        var upstream = ChildProcess.Start("dotnet", [self, "upstream", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture)], work, Path.Combine(work, "upstream.log"));
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{upstreamPort}/health"), TimeSpan.FromSeconds(30), upstream);

        var keyEntry = limits ? "- { key: bench-upstream-key, rpm: 1000000000, rpd: 1000000000, tpm: 1000000000 }" : "- key: bench-upstream-key";
        await File.WriteAllTextAsync(Path.Combine(work, "gateway.yaml"), $"""
            providers:
              - name: fake
                type: openai
                base_url: http://127.0.0.1:{upstreamPort}/v1
                models: [bench-model]
                keys:
                  {keyEntry}

            """ + (moreConfig?.Invoke(upstreamPort) ?? ""));
        var launch = new Launch(gatewayDll ?? Path.Combine(AppContext.BaseDirectory, "gateway.dll"), environment);
        var startedAt = DateTime.UtcNow;
        var gateway = StartGateway(work, "gateway", Path.Combine(work, "data"), launch, gatewayPort);
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{gatewayPort}/health/readiness"), TimeSpan.FromSeconds(120), gateway);
        var readyAt = DateTime.UtcNow;
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}") };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        var key = await IssueKeyAsync(admin, "bench", limits: limits);
        var budgeted = await IssueKeyAsync(admin, "bench-budgeted", org => new { name = "bench", org_id = org, limit_usd = 1_000_000m, period = "month" }, limits);
        await PostAsync(admin, "/v1/pricing", new { model = "fake:bench-model", input_per_million = 1m, output_per_million = 2m });
        return new BenchGateway(work, upstream, gateway, launch, upstreamPort, gatewayPort, key, budgeted) { ReadyAt = readyAt, StartToReady = readyAt - startedAt };
    }

    /// <summary>A gateway process logging to <paramref name="name"/>.log in <paramref name="work"/>.</summary>
    private static ChildProcess StartGateway(string work, string name, string dataDir, Launch launch, int port) =>
        ChildProcess.Start(
            "dotnet", [launch.GatewayDll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dataDir, "--config", Path.Combine(work, "gateway.yaml")],
            work, Path.Combine(work, $"{name}.log"),
            new Dictionary<string, string>(launch.Environment ?? new Dictionary<string, string>())
            {
                ["GATEWAY_ADMIN_TOKEN"] = AdminToken,
                ["GATEWAY_MASTER_KEY"] = Convert.ToBase64String(new byte[32]),
            });

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>A new organisation, with the budget <paramref name="budget"/> gives for its id when it has one, and a key of it.</summary>
    private static async Task<string> IssueKeyAsync(HttpClient admin, string name, Func<string, object>? budget = null, bool limits = false)
    {
        var org = (string)(await PostAsync(admin, "/v1/organizations", new { name }))["id"]!;
        if (budget is not null)
            await PostAsync(admin, "/v1/budgets", budget(org));
        object key = limits ? new { org_id = org, name, rpm_limit = 1_000_000_000, tpm_limit = 1_000_000_000 } : new { org_id = org, name };
        return (string)(await PostAsync(admin, "/v1/keys", key))["secret"]!;
    }

    private static async Task<JsonObject> PostAsync(HttpClient admin, string path, object body)
    {
        using var response = await admin.PostAsJsonAsync(path, body);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        return response.IsSuccessStatusCode ? answer! : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {answer}");
    }
}
