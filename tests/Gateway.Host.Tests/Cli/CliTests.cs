using System.Net;
using System.Net.Sockets;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Should_list_every_command_in_help()
    {
        await using var help = await GatewayProcess.RunAsync(_dir, null, "--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "serve", "migrate", "init", "openapi" })
            Assert.Contains(command, help.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_describe_each_serve_option_with_its_environment_variable_and_default()
    {
        await using var help = await GatewayProcess.RunAsync(_dir, null, "serve", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--database-url", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("GATEWAY_DATABASE_URL", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("[default: ./data]", help.StdOut, StringComparison.Ordinal);
        Assert.Contains("--no-migrate", help.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_write_a_private_env_file_with_a_new_master_key_and_refuse_to_overwrite_it()
    {
        await using var first = await GatewayProcess.RunAsync(_dir, null, "init");
        var path = Path.Combine(_dir, ".env");
        var written = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        await using var second = await GatewayProcess.RunAsync(_dir, null, "init");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var settings = SettingsLoader.Load(new Dictionary<Setting, string?>(), new Dictionary<string, string?>(), _dir);
        Assert.Equal(32, settings.MasterKey!.Length);
        Assert.StartsWith("gwa_", settings.AdminToken, StringComparison.Ordinal);
        Assert.True(settings.AdminToken!.Length >= 40);
        Assert.DoesNotContain(settings.AdminToken, first.StdOut, StringComparison.Ordinal);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already exists; init never overwrites it", OneErrorLine(second), StringComparison.Ordinal);
        Assert.Equal(written, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Should_write_a_yaml_config_the_gateway_reads_when_asked_for_yaml()
    {
        await using var init = await GatewayProcess.RunAsync(_dir, null, "init", "--format", "yaml");

        Assert.Equal(0, init.ExitCode);
        var settings = SettingsLoader.Load(new Dictionary<Setting, string?>(), new Dictionary<string, string?>(), _dir);
        Assert.Equal(Path.Combine(_dir, "gateway.yaml"), settings.ConfigFile);
        Assert.Equal(32, settings.MasterKey!.Length);
    }

    [Theory]
    [InlineData("--database-url", "postgresql://alice:topsecret@127.0.0.1:1/gw", "cannot reach PostgreSQL at 127.0.0.1:1/gw")]
    [InlineData("--database-url", "mysql://alice:topsecret@db/gw", "is not a database URL")]
    [InlineData("--config", "/nonexistent/gateway.yaml", "config file /nonexistent/gateway.yaml cannot be read")]
    [InlineData("--data-dir", "/etc/hostname/state", "data dir /etc/hostname/state is not writable")]
    [InlineData("--postgres-bin", "/nonexistent/bin", "no initdb and pg_ctl in /nonexistent/bin")]
    [InlineData("--urls", "ftp://127.0.0.1:21", "is not an http(s) address")]
    public async Task Should_exit_with_one_clear_line_and_no_stack_trace_when_serve_is_misconfigured(string option, string value, string expected)
    {
        await using var serve = await GatewayProcess.RunAsync(_dir, null, "serve", option, value);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains(expected, OneErrorLine(serve), StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", serve.StdErr + serve.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", serve.StdErr + serve.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_with_one_clear_line_naming_a_bad_provider_before_starting_any_database()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "gateway.yaml"), "providers:\n  - { name: x, type: bard }\n", TestContext.Current.CancellationToken);

        await using var serve = await GatewayProcess.RunAsync(_dir, null, "serve", "--postgres-bin", "/nonexistent/bin");

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("providers[0].type must be openai, anthropic, gemini or mock", OneErrorLine(serve), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_with_one_clear_line_naming_a_bad_outbound_allow_entry_before_starting_any_database()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "gateway.yaml"), "outbound:\n  allow: [\"127.0.0.1\", \"10.1.2.3/24\"]\n", TestContext.Current.CancellationToken);

        await using var serve = await GatewayProcess.RunAsync(_dir, null, "serve", "--postgres-bin", "/nonexistent/bin");

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("outbound.allow[1] '10.1.2.3/24' has bits set past its prefix; write 10.1.2.0/24 for the range or 10.1.2.3 for the one address",
            OneErrorLine(serve), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_with_one_clear_line_when_the_port_is_taken()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using var serve = await GatewayProcess.RunAsync(_dir, null, "serve", "--urls", $"http://127.0.0.1:{port}", "--database-url", "postgresql://127.0.0.1:1/none");

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains($"127.0.0.1:{port} is already in use", OneErrorLine(serve), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_check_the_committed_openapi_document_and_fail_when_it_is_stale()
    {
        var committed = RepositoryFiles.PathOf("docs/openapi.json");
        var stale = Path.Combine(_dir, "openapi.json");
        await File.WriteAllTextAsync(stale, "{\"openapi\":\"3.1.1\",\"paths\":{}}", TestContext.Current.CancellationToken);

        await using var current = await GatewayProcess.RunAsync(_dir, null, "openapi", "--check", "--output", committed);
        await using var outdated = await GatewayProcess.RunAsync(_dir, null, "openapi", "--check", "--output", stale);

        Assert.Equal(0, current.ExitCode);
        Assert.Equal(1, outdated.ExitCode);
        Assert.Contains("differs from the document the code generates", OneErrorLine(outdated), StringComparison.Ordinal);
    }

    internal static string OneErrorLine(GatewayProcess process)
    {
        var lines = process.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("gateway: error: ", line, StringComparison.Ordinal);
        return line;
    }
}
