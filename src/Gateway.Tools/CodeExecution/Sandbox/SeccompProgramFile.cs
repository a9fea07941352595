using System.Globalization;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The seccomp program, where the launch shell can open it (bwrap reads it from an inherited
/// descriptor): a file already unlinked, which only the gateway's open descriptor keeps, reopened
/// through <c>/proc/&lt;gateway&gt;/fd/&lt;n&gt;</c>. Nothing on disk can be swapped for a weaker filter
/// by another local user, and nothing is left behind when the gateway stops.
/// </summary>
internal sealed class SeccompProgramFile
{
    private readonly FileStream _file;

    private SeccompProgramFile(FileStream file) => _file = file;

    public string Path => string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/fd/{_file.SafeFileHandle.DangerousGetHandle()}");

    public static SeccompProgramFile Write(byte[] program)
    {
        // A fresh directory only the gateway may enter (mkdtemp), so the name cannot be taken over in between.
        var directory = Directory.CreateTempSubdirectory("gateway-seccomp-");
        var path = System.IO.Path.Combine(directory.FullName, "filter.bpf");
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.Write(program);
        file.Flush();
        File.Delete(path);
        directory.Delete();
        return new SeccompProgramFile(file);
    }
}
