using System.Diagnostics;

namespace Gateway.Host.Persistence.Postgres;

/// <summary>Runs a PostgreSQL program to completion, as another OS user when asked.</summary>
internal static class PostgresProcess
{
    internal sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public bool Succeeded => ExitCode == 0;

        /// <summary>The last non-empty line of the program's complaint, for one-line error messages.</summary>
        public string LastErrorLine =>
            (StdErr + "\n" + StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault() ?? $"exit code {ExitCode}";
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, string? runAsUser, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // postgres cannot start in a folder its user may not enter (root's home, for one).
            WorkingDirectory = "/",
        };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        // PostgreSQL refuses to run as root, so a root gateway runs it as the postgres OS user.
        if (runAsUser is not null)
            psi.UserName = runAsUser;
        psi.Environment["LC_ALL"] = "C";

        using var process = Process.Start(psi) ?? throw new LocalClusterException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
