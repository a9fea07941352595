using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Gateway.Host.Features.Auth;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Bench;

/// <summary>
/// What authentication costs on the request path: the in-memory check alone (hit, miss, admin token)
/// with 10,000 keys loaded, then GET /v1/me over real HTTP on loopback (server and client share the cores).
/// </summary>
internal static class AuthBench
{
    private const int Keys = 10_000;

    public static async Task RunAsync(string connectionString, TimeSpan duration)
    {
        var masterKey = new byte[32];
        const string adminToken = "gwa_bench-admin-token";
        var secrets = new KeySecrets(masterKey, adminToken);
        var known = await SeedAsync(connectionString, secrets);

        var settings = new GatewaySettings
        {
            Urls = ["http://127.0.0.1:0"],
            DataDir = Path.GetTempPath(),
            Schema = "bench",
            AutoMigrate = false,
            MasterKey = masterKey,
            AdminToken = adminToken,
        };
        await using var app = GatewayApp.Build(settings, connectionString, b => b.Logging.ClearProviders());
        await app.StartAsync();
        var directory = app.Services.GetRequiredService<KeyDirectory>();

        Console.WriteLine();
        Console.WriteLine($"authentication, {Keys:N0} keys in the directory");
        Console.WriteLine($"{"case",-48} {"ops/s (1 thread)",18} {"ns/op",8}");
        Measure("known key", () => directory.Authenticate(known));
        Measure("unknown key (well-formed)", () => directory.Authenticate("gw_unknownunknownunknownunknownunknownunknown0"));
        Measure("garbage (not a gw_ key)", () => directory.Authenticate("sk-not-ours"));
        Measure("platform admin token", () => directory.Authenticate(adminToken));

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await HttpAsync(new Uri(address), known, duration);
        await app.StopAsync();
    }

    private static void Measure(string name, Action authenticate)
    {
        for (var i = 0; i < 100_000; i++)
            authenticate();
        const int n = 1_000_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
            authenticate();
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-48} {n / seconds,18:N0} {seconds * 1e9 / n,8:N0}"));
    }

    private static async Task HttpAsync(Uri address, string secret, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var http = new HttpClient(handler) { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        for (var i = 0; i < 2000; i++)
            (await http.GetAsync("/v1/me")).EnsureSuccessStatusCode();

        const int concurrency = 32;
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync("/v1/me");
                response.EnsureSuccessStatusCode();
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GET /v1/me over HTTP/1.1, {concurrency} concurrent: {all.Length / clock.Elapsed.TotalSeconds:N0} req/s, p50 {all[all.Length / 2]:N2} ms, p99 {all[(int)(all.Length * 0.99)]:N2} ms"));
    }

    /// <summary>Writes the read model directly: this measures lookups, not issuing.</summary>
    private static async Task<string> SeedAsync(string connectionString, KeySecrets secrets)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var org = dataSource.CreateCommand(
            "insert into organizations values ('org_bench', 'bench', '{}', '{}', 'active', 1, now(), now())"))
            await org.ExecuteNonQueryAsync();
        var secretsList = Enumerable.Range(0, Keys).Select(_ => KeySecrets.NewSecret()).ToArray();
        await using var keys = dataSource.CreateCommand("""
            insert into virtual_keys (id, org_id, name, prefix, hash, allowed_models, metadata, version, created_at, updated_at)
            select 'key_bench_' || i, 'org_bench', 'k', 'gw_', h, '{}', '{}', 1, now(), now()
            from unnest($1::bytea[]) with ordinality as u(h, i)
            """);
        keys.Parameters.Add(new() { Value = secretsList.Select(secrets.Hash).ToArray() });
        await keys.ExecuteNonQueryAsync();
        return secretsList[Keys / 2];
    }
}
