using System.Globalization;
using System.Text;

namespace Gateway.Tools.CodeExecution;

/// <summary>What the model reads as a code call's result: how it ended, its output, the files it wrote (names and sizes; their content is in the structured result).</summary>
public static class CodeExecutionText
{
    public static string From(CodeExecutionResult run, TimeSpan timeout)
    {
        var text = new StringBuilder();
        if (run.StateReset)
            text.AppendLine("Note: an earlier call ended the interpreter, so this one ran in a fresh one: variables and imports from before are gone (files in /work too).");
        text.AppendLine(run.Outcome switch
        {
            CodeExecutionOutcome.Completed => Invariant($"Exit code {run.ExitCode}."),
            CodeExecutionOutcome.TimedOut => Invariant($"Timed out after {timeout.TotalSeconds:0.#} s: every process was killed; the next call starts a fresh interpreter with an empty /work."),
            CodeExecutionOutcome.Ended => Invariant($"The interpreter ended during the call (exit status {run.ExitCode}{Signal(run.ExitCode)}); the next call starts a fresh interpreter with an empty /work."),
        });
        Stream(text, "stdout", run.Stdout);
        Stream(text, "stderr", run.Stderr);
        if (run.Files.Count > 0)
        {
            text.AppendLine("Files written under /work:");
            foreach (var file in run.Files)
                text.AppendLine(file.Kind switch
                {
                    CodeFileKind.File => Invariant($"  {file.Path} ({file.Size} bytes)"),
                    CodeFileKind.Symlink => Invariant($"  {file.Path} (a symlink to {file.LinkTarget}; not followed)"),
                    CodeFileKind.Other => Invariant($"  {file.Path} (not a regular file; not read)"),
                });
            if (run.FilesOmitted > 0)
                text.AppendLine(Invariant($"  and {run.FilesOmitted} more, not listed"));
        }
        return text.ToString().TrimEnd();
    }

    private static void Stream(StringBuilder text, string name, CapturedOutput output)
    {
        if (output.TotalBytes == 0)
            return;
        text.AppendLine(Invariant($"--- {name} ---"));
        text.AppendLine(output.Text.TrimEnd('\n'));
        if (output.Truncated)
            text.AppendLine(Invariant($"[{name} truncated: {output.TotalBytes} bytes written, the first {CodeOutputLimits.OutputBytes} shown]"));
    }

    private static string Signal(int? status) => status switch
    {
        137 => ": killed, as by the memory limit",
        152 => ": the CPU time limit",
        153 => ": the file size limit",
        _ => "",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
