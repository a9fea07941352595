using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Persistence.Postgres;

namespace Gateway.Bench;

/// <summary>
/// The fake upstream and the real gateway in front of it, each its own process on 127.0.0.1 (the gateway with its
/// embedded PostgreSQL, authentication and usage recording on), with a virtual key issued; disposing stops both and
/// removes their folder.
/// </summary>
internal sealed class BenchGateway : IAsyncDisposable
{
    private const string AdminToken = "gwa_bench-proxy-admin-token";

    private readonly string _work;
    private readonly ChildProcess _upstream;
    private readonly ChildProcess _gateway;

    private BenchGateway(string work, ChildProcess upstream, ChildProcess gateway, int upstreamPort, int gatewayPort, string key)
    {
        (_work, _upstream, _gateway) = (work, upstream, gateway);
        UpstreamChatUrl = new Uri($"http://127.0.0.1:{upstreamPort}/v1/chat/completions");
        ChatUrl = new Uri($"http://127.0.0.1:{gatewayPort}/v1/chat/completions");
        Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" };
    }

    public string Work => _work;

    public int UpstreamPid => _upstream.Id;

    public int GatewayPid => _gateway.Id;

    public Uri UpstreamChatUrl { get; }

    public Uri ChatUrl { get; }

    /// <summary>The virtual key's header.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <param name="moreConfig">YAML the gateway's file ends with, given the upstream's port.</param>
    public static async Task<BenchGateway> StartAsync(string name, Func<int, string>? moreConfig = null)
    {
        var work = Directory.CreateTempSubdirectory($"gateway-{name}bench-").FullName;
        // Run as root, the embedded PostgreSQL runs as the postgres user, which must enter this folder.
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        var self = typeof(BenchGateway).Assembly.Location;
        var upstreamPort = LocalPostgresCluster.FreeLoopbackPort();
        var gatewayPort = LocalPostgresCluster.FreeLoopbackPort();
        var upstream = ChildProcess.Start("dotnet", [self, "upstream", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture)], work, Path.Combine(work, "upstream.log"));
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{upstreamPort}/health"), TimeSpan.FromSeconds(30), upstream);

        await File.WriteAllTextAsync(Path.Combine(work, "gateway.yaml"), $"""
            providers:
              - name: fake
                type: openai
                base_url: http://127.0.0.1:{upstreamPort}/v1
                models: [bench-model]
                keys:
                  - key: bench-upstream-key

            """ + (moreConfig?.Invoke(upstreamPort) ?? ""));
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        var gateway = ChildProcess.Start(
            "dotnet", [gatewayDll, "serve", "--urls", $"http://127.0.0.1:{gatewayPort}", "--data-dir", Path.Combine(work, "data"), "--config", Path.Combine(work, "gateway.yaml")],
            work, Path.Combine(work, "gateway.log"),
            new Dictionary<string, string> { ["GATEWAY_ADMIN_TOKEN"] = AdminToken, ["GATEWAY_MASTER_KEY"] = Convert.ToBase64String(new byte[32]) });
        await ChildProcess.WaitForAsync(new Uri($"http://127.0.0.1:{gatewayPort}/health/readiness"), TimeSpan.FromSeconds(120), gateway);
        return new BenchGateway(work, upstream, gateway, upstreamPort, gatewayPort, await IssueKeyAsync(gatewayPort));
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private static async Task<string> IssueKeyAsync(int gatewayPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        var org = (await (await http.PostAsJsonAsync("/v1/organizations", new { name = "bench" })).Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (await (await http.PostAsJsonAsync("/v1/keys", new { org_id = (string)org["id"]!, name = "bench" })).Content.ReadFromJsonAsync<JsonObject>())!;
        return (string)key["secret"]!;
    }
}
