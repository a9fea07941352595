namespace Gateway.Host.Hosting;

/// <summary>The folder for local state; the gateway refuses to start without write access to it.</summary>
internal static class DataDirectory
{
    public static void EnsureWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"data dir {folder} is not writable ({e.Message}); choose another with {Setting.DataDir.Option} or {Setting.DataDir.EnvironmentVariable}");
        }
    }
}
