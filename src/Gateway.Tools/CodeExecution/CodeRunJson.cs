using System.Text.Json.Nodes;

namespace Gateway.Tools.CodeExecution;

/// <summary>
/// The structured result of a code call (<see cref="ToolRun.Result"/>), in snake case:
/// <c>outcome</c> (<c>completed</c>, <c>timed_out</c>, <c>ended</c>), <c>exit_code</c>, <c>stdout</c> /
/// <c>stderr</c> with <c>*_bytes</c> (all that was written) and <c>*_truncated</c>, <c>files</c>
/// (<c>path</c>, <c>kind</c>, <c>size</c>, <c>encoding</c>, <c>content</c>, <c>link_target</c>),
/// <c>files_omitted</c>, <c>state_reset</c>, <c>duration_ms</c>.
/// </summary>
public static class CodeRunJson
{
    public static JsonObject From(CodeRunResult run)
    {
        var json = new JsonObject
        {
            ["outcome"] = Outcome(run.Outcome),
            ["exit_code"] = run.ExitCode,
        };
        Add(json, "stdout", run.Stdout);
        Add(json, "stderr", run.Stderr);
        json["files"] = new JsonArray([.. run.Files.Select(File)]);
        json["files_omitted"] = run.FilesOmitted;
        json["state_reset"] = run.StateReset;
        json["duration_ms"] = (long)run.Duration.TotalMilliseconds;
        return json;
    }

    public static string Outcome(CodeRunOutcome outcome) => outcome switch
    {
        CodeRunOutcome.Completed => "completed",
        CodeRunOutcome.TimedOut => "timed_out",
        CodeRunOutcome.Ended => "ended",
    };

    private static void Add(JsonObject json, string name, CapturedOutput output)
    {
        json[name] = output.Text;
        json[name + "_bytes"] = output.TotalBytes;
        json[name + "_truncated"] = output.Truncated;
    }

    private static JsonObject File(CodeFile file) => new()
    {
        ["path"] = file.Path,
        ["kind"] = file.Kind switch
        {
            CodeFileKind.File => "file",
            CodeFileKind.Symlink => "symlink",
            CodeFileKind.Other => "other",
        },
        ["size"] = file.Size,
        ["encoding"] = file.Encoding,
        ["content"] = file.Content,
        ["link_target"] = file.LinkTarget,
    };
}
