using Gateway.Host.Features.Usage;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Fakes;
using Gateway.Tools.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>The real gateway app on Kestrel at 127.0.0.1 (a free port), over a test's database.</summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private static int _started;
    private readonly WebApplication _app;
    private readonly RequestsInFlight _inFlight;

    private GatewayServer(WebApplication app, Uri address, FakeHostResolver resolver, RequestsInFlight inFlight, string applicationName)
    {
        _app = app;
        _inFlight = inFlight;
        Resolver = resolver;
        ApplicationName = applicationName;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The application_name of this server's database connections, to find its backends in pg_stat_activity.</summary>
    public string ApplicationName { get; }

    /// <summary>What the outbound guard's lookups answer: a test server never asks DNS.</summary>
    public FakeHostResolver Resolver { get; }

    /// <summary>The platform admin's bearer token of every test server.</summary>
    public const string AdminToken = "gwa_test-admin-token-for-the-suite-only";

    /// <summary>Shared by every server of a test, as instances of one deployment share theirs.</summary>
    public static readonly byte[] MasterKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <param name="config">Configuration as the YAML file would give it, flattened (<c>providers:0:name</c>).</param>
    /// <param name="dataDir">Local state (the usage journal lives under it, per schema); a shared temp folder unless a test looks into it.</param>
    /// <param name="resolver">Shared with another server of the test, when both must see the same names.</param>
    /// <param name="configure">Adds to the app before it is built (a test's log capture).</param>
    /// <param name="time">The gateway's clock in place of the system's (a test's fake clock); Quartz schedules the jobs on it too.</param>
    public static async Task<GatewayServer> StartAsync(
        string connectionString, string schema, IReadOnlyDictionary<string, string?>? config = null, string? dataDir = null,
        FakeHostResolver? resolver = null, Action<WebApplicationBuilder>? configure = null, TimeProvider? time = null)
    {
        resolver ??= new FakeHostResolver();
        var inFlight = new RequestsInFlight();
        var database = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"gateway-test-{Interlocked.Increment(ref _started)}" };
        var settings = new GatewaySettings
        {
            Urls = ["http://127.0.0.1:0"],
            DataDir = dataDir ?? Path.GetTempPath(),
            Schema = schema,
            AutoMigrate = false,
            MasterKey = MasterKey,
            AdminToken = AdminToken,
            ConfigValues = config ?? new Dictionary<string, string?>(),
        };
        var app = GatewayApp.Build(settings, database.ConnectionString, builder =>
        {
            builder.Services.AddSingleton<IHostResolver>(resolver);
            builder.Services.AddSingleton<IStartupFilter>(inFlight);
            if (time is not null)
                builder.Services.AddSingleton(time);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GatewayServer(app, new Uri(address), resolver, inFlight, database.ApplicationName);
    }

    /// <summary>Waits until every request the server took is handled to its end: its usage recorded, its holds released.</summary>
    public Task<int> IdleAsync() =>
        Eventually.Until(() => _inFlight.Count, n => n == 0, "the gateway to finish the requests it took (count in flight)");

    /// <summary>Stores the usage of every request the server took, once those still running are done.</summary>
    public async Task FlushUsageAsync()
    {
        await IdleAsync();
        await Services.GetRequiredService<UsageLog>().FlushAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
