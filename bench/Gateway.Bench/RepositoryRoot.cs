namespace Gateway.Bench;

/// <summary>The repository the benchmark was built in: where Portkey is installed and the gateway's project is.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Gateway.sln")))
                return dir.FullName;
        }

        return Directory.GetCurrentDirectory();
    }
}
