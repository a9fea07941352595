namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The parts of the host's root besides <c>/usr</c> that programs under <c>/usr</c> expect: the
/// top-level <c>/bin</c>, <c>/lib*</c> (symlinks into <c>/usr</c> on a merged-/usr system, real
/// folders on an older one) and a few files from <c>/etc</c> that hold nothing about the host worth
/// hiding (the loader cache, the alternatives links). The rest of <c>/etc</c> stays out.
/// </summary>
internal sealed record HostLayout(IReadOnlyList<HostLayout.RootLink> RootLinks, IReadOnlyList<string> EtcEntries)
{
    /// <param name="Target">The symlink's target, or null for a real folder bound read-only.</param>
    public sealed record RootLink(string Path, string? Target);

    private static readonly string[] RootEntries = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
    private static readonly string[] Etc = ["/etc/ld.so.cache", "/etc/alternatives"];

    public static HostLayout Detect()
    {
        var links = new List<RootLink>();
        foreach (var path in RootEntries)
        {
            var entry = new DirectoryInfo(path);
            if (entry.LinkTarget is { } target)
                links.Add(new RootLink(path, target));
            else if (entry.Exists)
                links.Add(new RootLink(path, null));
        }
        return new HostLayout(links, [.. Etc.Where(path => File.Exists(path) || Directory.Exists(path))]);
    }
}
