using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>
/// The driver's <c>r</c> frame, checked field by field: it comes from the process that ran the
/// model's code, which may have written it itself. Anything out of shape or over a limit ends the
/// session rather than reaching the model.
/// </summary>
internal sealed record DriverResult(int ExitCode, long StdoutBytes, long StderrBytes, IReadOnlyList<CodeFile> Files, int FilesOmitted)
{
    private const int MaxPathLength = 4096;

    public static DriverResult Parse(byte[] payload)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(payload) as JsonObject ?? throw Bad("is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad($"is not JSON ({e.Message})");
        }

        var files = json["files"] as JsonArray ?? throw Bad("has no files array");
        if (files.Count > CodeOutputLimits.MaxFiles)
            throw Bad($"lists {files.Count} files (at most {CodeOutputLimits.MaxFiles})");
        var parsed = new List<CodeFile>(files.Count);
        long contentBytes = 0;
        foreach (var file in files)
        {
            var (entry, bytes) = ParseFile(file as JsonObject ?? throw Bad("has a file that is not an object"));
            contentBytes += bytes;
            parsed.Add(entry);
        }
        if (contentBytes > CodeOutputLimits.FilesTotalBytes)
            throw Bad($"returns {contentBytes} bytes of file content (at most {CodeOutputLimits.FilesTotalBytes})");

        return new DriverResult(
            Number<int>(json, "exit_code"), Count(json, "stdout_bytes"), Count(json, "stderr_bytes"), parsed, (int)Count(json, "files_omitted"));
    }

    private static (CodeFile File, long ContentBytes) ParseFile(JsonObject file)
    {
        var path = String(file, "path") ?? throw Bad("has a file without a path");
        if (path.Length is 0 or > MaxPathLength || path.StartsWith('/') || path.Contains('\0', StringComparison.Ordinal))
            throw Bad("has a file path that is not a relative path");
        var kind = String(file, "type") switch
        {
            "file" => CodeFileKind.File,
            "symlink" => CodeFileKind.Symlink,
            "other" => CodeFileKind.Other,
            var other => throw Bad($"has a file of type '{other}'"),
        };
        var size = Count(file, "size");
        var target = kind == CodeFileKind.Symlink ? String(file, "target") : null;
        var encoding = kind == CodeFileKind.File ? String(file, "encoding") : null;
        var content = encoding is null ? null : String(file, "content") ?? throw Bad($"has no content for {path}");
        long bytes = encoding switch
        {
            null => 0,
            "utf-8" => Encoding.UTF8.GetByteCount(content!),
            "base64" => Base64Length(content!, path),
            _ => throw Bad($"has encoding '{encoding}' for {path}"),
        };
        if (bytes > CodeOutputLimits.FileBytes)
            throw Bad($"returns {bytes} bytes of {path} (at most {CodeOutputLimits.FileBytes})");
        return (new CodeFile(path, kind, size, encoding, content, target), bytes);
    }

    private static long Base64Length(string content, string path)
    {
        var bytes = new byte[content.Length / 4 * 3 + 3];
        return Convert.TryFromBase64String(content, bytes, out var written) ? written : throw Bad($"returns content for {path} that is not base64");
    }

    private static string? String(JsonObject json, string name) =>
        json[name] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw Bad($"has a {name} that is not a string"),
        };

    private static T Number<T>(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<T>(out var number) ? number : throw Bad($"has no whole number {name}");

    private static long Count(JsonObject json, string name) =>
        Number<long>(json, name) is var count and >= 0 ? count : throw Bad($"has a negative {name}");

    private static DriverProtocolException Bad(string what) => new($"the sandbox's result {what}");
}
