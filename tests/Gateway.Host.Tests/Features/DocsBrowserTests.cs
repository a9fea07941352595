using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features;

/// <summary>/docs in a real headless Chromium: Scalar must render the gateway's own operations.</summary>
public sealed class DocsBrowserTests(PostgresFixture postgres)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Should_render_the_api_reference_in_a_browser_without_reaching_the_internet()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with `apt-get install chromium` (test.sh does)");
        await using var db = await postgres.NewDatabaseAsync(nameof(DocsBrowserTests));
        await using var server = await GatewayServer.StartAsync(db.ConnectionString, db.Schema);
        var profile = Directory.CreateTempSubdirectory("gateway-chromium-");
        try
        {
            var dom = await DumpDomAsync(new Uri(server.Client.BaseAddress!, "/docs"), profile.FullName);
            var document = JsonNode.Parse(await server.Client.GetStringAsync("/openapi.json", TestContext.Current.CancellationToken))!;
            var tags = document["paths"]!.AsObject()
                .SelectMany(p => p.Value!.AsObject().SelectMany(o => o.Value!["tags"]!.AsArray().Select(t => (string)t!)))
                .Distinct().ToList();

            Assert.Contains("Gateway API", dom, StringComparison.Ordinal);
            // Scalar renders a sidebar entry per tag; its sections load as the reader scrolls.
            Assert.True(tags.Count >= 5);
            Assert.All(tags, tag => Assert.Contains($">{tag}<", dom, StringComparison.Ordinal));
            // "Try it" calls the gateway serving the page, not the document's default address.
            Assert.Contains($">{server.Client.BaseAddress!.ToString().TrimEnd('/')}<", dom, StringComparison.Ordinal);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static async Task<string> DumpDomAsync(Uri page, string profile)
    {
        var psi = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // No network beyond loopback here: the background-networking switches keep Chromium from
        // trying (and stalling on) Google's services.
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", page.ToString(),
        })
            psi.ArgumentList.Add(arg);
        using var chromium = Process.Start(psi)!;
        var dom = chromium.StandardOutput.ReadToEndAsync();
        _ = chromium.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await chromium.WaitForExitAsync(deadline.Token);
        return await dom;
    }
}
