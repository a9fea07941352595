using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Outbound;
using Gateway.Host.Features.Providers;
using Gateway.Host.Hosting;
using Gateway.Host.Persistence.Migrations;

namespace Gateway.Host.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the gateway. Without a database URL it starts an embedded PostgreSQL under the data dir.");
        var settings = new SettingOptions(command,
            Setting.Urls, Setting.Config, Setting.DataDir, Setting.DatabaseUrl, Setting.DatabaseSchema, Setting.AutoMigrate, Setting.PostgresBin);
        var noMigrate = new Option<bool>("--no-migrate") { Description = "Do not apply pending migrations on start (same as --auto-migrate false)." };
        command.Options.Add(noMigrate);
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            var resolved = settings.Load(parse);
            if (parse.GetValue(noMigrate))
                resolved = resolved with { AutoMigrate = false };
            await ServeAsync(resolved, ct);
        }));
        return command;
    }

    private static async Task ServeAsync(GatewaySettings settings, CancellationToken ct)
    {
        DataDirectory.EnsureWritable(settings.DataDir);
        EnsurePortsFree(settings.Urls);
        settings = LocalSecrets.Ensure(settings, message => Console.WriteLine($"gateway: {message}"));
        // Before the database starts: a mistake in the providers or the outbound allow-list fails in a second, with one line.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ConfigValues).Build();
        ProviderRegistry.FromConfiguration(configuration, new KeySecrets(settings.MasterKey!, settings.AdminToken!));
        OutboundFeature.AllowList(configuration);
        await using var database = await Database.OpenAsync(settings, ct);
        var app = GatewayApp.Build(settings, database.ConnectionString);
        await using (app)
        {
            if (settings.AutoMigrate)
                await app.Services.GetRequiredService<Migrator>().ApplyAsync(ct);
            await app.RunAsync();
        }
    }

    /// <summary>
    /// Binding fails late and loudly inside the web host; probing first gives a one-line answer
    /// before the database is started for nothing.
    /// </summary>
    private static void EnsurePortsFree(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
            if (uri.Port == 0)
                continue;
            var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host, out var ip) ? ip : null;
            if (address is null)
                continue;
            try
            {
                using var probe = new TcpListener(address, uri.Port);
                probe.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new SettingsException($"{uri.Host}:{uri.Port} is already in use by another program; choose another address with {Setting.Urls.Option} or {Setting.Urls.EnvironmentVariable}");
            }
            catch (SocketException e)
            {
                throw new SettingsException($"cannot listen on {uri.Host}:{uri.Port} ({e.Message}); choose another address with {Setting.Urls.Option}");
            }
        }
    }
}
