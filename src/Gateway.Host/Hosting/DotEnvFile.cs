namespace Gateway.Host.Hosting;

/// <summary>Reads the KEY=VALUE file that <c>gateway init</c> writes. Real environment variables win over it.</summary>
internal static class DotEnvFile
{
    public static Dictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return values;
        var lines = File.ReadAllLines(path);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith("export ", StringComparison.Ordinal))
                line = line["export ".Length..];
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new SettingsException($"{path} line {n + 1} is not a KEY=VALUE line");
            values[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"');
        }

        return values;
    }
}
