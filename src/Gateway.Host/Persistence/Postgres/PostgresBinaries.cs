namespace Gateway.Host.Persistence.Postgres;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl, postgres) on this machine.</summary>
internal static class PostgresBinaries
{
    internal const string InstallHint =
        "install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15), " +
        "set GATEWAY_POSTGRES_BIN to the folder holding initdb and pg_ctl, " +
        "or point the gateway at a server with --database-url / GATEWAY_DATABASE_URL";

    /// <summary>The folder holding initdb and pg_ctl, or null when none can be found.</summary>
    public static string? Locate(string? explicitBinDir)
    {
        if (!string.IsNullOrWhiteSpace(explicitBinDir))
            return HasServerPrograms(explicitBinDir) ? explicitBinDir : null;

        // Debian keeps the server programs off PATH, one folder per major version: prefer the newest.
        var debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var m) ? m : 0))
                .Where(x => HasServerPrograms(x.Dir))
                .OrderByDescending(x => x.Major)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (newest is not null)
                return newest;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin"])
            .FirstOrDefault(HasServerPrograms);
    }

    private static bool HasServerPrograms(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
}
