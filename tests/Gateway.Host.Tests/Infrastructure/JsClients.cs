using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>Node programs of tests/js (official JavaScript clients, Claude Code), installed there by test.sh.</summary>
internal static class JsClients
{
    internal sealed record Run(int ExitCode, string StdOut, string StdErr);

    public static string Folder => RepositoryFiles.PathOf("tests/js");

    /// <summary>Runs a script of tests/js that prints what its SDK saw as one JSON line last; fails the test if it fails.</summary>
    public static Task<JsonObject> SeenAsync(string script, IReadOnlyDictionary<string, string> environment) => SeenAsync([script], environment);

    /// <summary>As above, with arguments after the script and, when given, each line of its output as it comes.</summary>
    public static async Task<JsonObject> SeenAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        var run = await NodeAsync(args, environment, TimeSpan.FromSeconds(60), onLine);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)} failed ({run.ExitCode}):\n{run.StdErr}\n{run.StdOut}");
        return JsonNode.Parse(run.StdOut.Trim().Split('\n')[^1])!.AsObject();
    }

    /// <summary>
    /// Runs <c>node</c> in tests/js with only the given variables added, stdin closed, bounded in time;
    /// <paramref name="onLine"/> sees each line of its standard output the moment it is written.
    /// </summary>
    public static async Task<Run> NodeAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, Action<string>? onLine = null)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules")), "tests/js has no node_modules: run ./test.sh (it runs npm ci there) or npm ci --prefix tests/js");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var node = Process.Start(psi)!;
        node.StandardInput.Close();
        var stdout = LinesAsync(node.StandardOutput, onLine ?? (_ => { }), TestContext.Current.CancellationToken);
        var stderr = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await node.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }

        return new Run(node.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> LinesAsync(StreamReader output, Action<string> onLine, CancellationToken ct)
    {
        var all = new StringBuilder();
        while (await output.ReadLineAsync(ct) is { } line)
        {
            onLine(line);
            all.Append(line).Append('\n');
        }

        return all.ToString();
    }
}
