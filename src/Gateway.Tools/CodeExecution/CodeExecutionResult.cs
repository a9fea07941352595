namespace Gateway.Tools.CodeExecution;

/// <summary>How a call's code ended.</summary>
public enum CodeExecutionOutcome
{
    /// <summary>The code ran to its end: <see cref="CodeExecutionResult.ExitCode"/> is 0, 1 for an uncaught exception, or what <c>sys.exit</c> gave.</summary>
    Completed,

    /// <summary>The call's wall clock ran out: every process of the sandbox was killed and the Python state is gone.</summary>
    TimedOut,

    /// <summary>The interpreter itself ended during the call (<c>os._exit</c>, a limit's signal, a crash): the Python state is gone.</summary>
    Ended,
}

/// <summary>
/// One call's result, the structured part of its <see cref="ToolRun"/> for dialects with a native shape
/// for code execution; <see cref="CodeExecutionText"/> gives what the model reads.
/// </summary>
/// <param name="ExitCode">The code's exit status; for <see cref="CodeExecutionOutcome.Ended"/> the sandbox's
/// (128 + the signal when one killed it); null when it timed out.</param>
/// <param name="Files">Files under <c>/work</c> created or changed by the call, in path order, at most <see cref="CodeOutputLimits.MaxFiles"/>.</param>
/// <param name="FilesOmitted">Further changed files beyond that count.</param>
/// <param name="StateReset">True when this call ran in a fresh interpreter because an earlier one of the session ended: variables defined before are gone.</param>
/// <param name="Duration">From handing the code to the sandbox to its result (what is billed).</param>
public sealed record CodeExecutionResult(
    CodeExecutionOutcome Outcome,
    int? ExitCode,
    CapturedOutput Stdout,
    CapturedOutput Stderr,
    IReadOnlyList<CodeFile> Files,
    int FilesOmitted,
    bool StateReset,
    TimeSpan Duration) : ToolResult;

/// <summary>A stream's first <see cref="CodeOutputLimits.OutputBytes"/> bytes (as UTF-8, invalid bytes replaced) and how much was written in all.</summary>
public sealed record CapturedOutput(string Text, long TotalBytes, bool Truncated);

/// <summary>What a file under <c>/work</c> is. Links are reported, never followed.</summary>
public enum CodeFileKind
{
    File,
    Symlink,
    /// <summary>A fifo, socket or device node: listed, never read.</summary>
    Other,
}

/// <summary>A file the call wrote under <c>/work</c>.</summary>
/// <param name="Path">Relative to <c>/work</c>.</param>
/// <param name="Content">The bytes as text (<see cref="Encoding"/> <c>utf-8</c>) or base64 (<c>base64</c>, for
/// anything that is not NUL-free UTF-8); both null when the file is larger than
/// <see cref="CodeOutputLimits.FileBytes"/>, the call's files already used <see cref="CodeOutputLimits.FilesTotalBytes"/>,
/// or it is not a regular file.</param>
/// <param name="LinkTarget">For a symlink, where it points (as text; it is not followed).</param>
public sealed record CodeFile(string Path, CodeFileKind Kind, long Size, string? Encoding, string? Content, string? LinkTarget);

/// <summary>The fixed limits on what a call returns.</summary>
public static class CodeOutputLimits
{
    public const int OutputBytes = 1024 * 1024;
    public const int FileBytes = 1024 * 1024;
    public const int FilesTotalBytes = 4 * 1024 * 1024;
    public const int MaxFiles = 20;

    /// <summary>Entries under <c>/work</c> looked at to find changed files.</summary>
    public const int ScannedEntries = 10_000;
}
