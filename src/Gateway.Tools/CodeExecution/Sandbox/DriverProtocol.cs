using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Gateway.Tools.CodeExecution.Sandbox;

/// <summary>What the driver writes: see the protocol at the top of driver.py.</summary>
internal enum FrameKind : byte
{
    Hello = (byte)'h',
    Stdout = (byte)'o',
    Stderr = (byte)'e',
    Result = (byte)'r',
}

internal readonly record struct Frame(FrameKind Kind, byte[] Payload);

/// <summary>The sandbox wrote something the protocol does not allow; its session cannot go on.</summary>
internal sealed class DriverProtocolException(string message) : Exception(message);

/// <summary>
/// The host's half of the driver protocol. Everything read comes from a process that runs the
/// model's code, so every length is checked before anything is allocated.
/// </summary>
internal static class DriverProtocol
{
    // The driver forwards at most the output limit + 1 per stream in chunks of 64 KiB; a result
    // carries at most FilesTotalBytes of content, a third more as base64, plus JSON around it.
    private const int MaxChunk = 64 * 1024;
    private const int MaxHello = 4 * 1024;
    private const int MaxResult = CodeOutputLimits.FilesTotalBytes * 2 + 1024 * 1024;

    /// <summary>The settings driver.py reads from its first argument.</summary>
    public static string DriverSettings() => JsonSerializer.Serialize(new Dictionary<string, int>
    {
        ["output_limit"] = CodeOutputLimits.OutputBytes,
        ["file_limit"] = CodeOutputLimits.FileBytes,
        ["files_total_limit"] = CodeOutputLimits.FilesTotalBytes,
        ["max_files"] = CodeOutputLimits.MaxFiles,
        ["scan_limit"] = CodeOutputLimits.ScannedEntries,
    });

    public static async Task WriteRequestAsync(Stream requests, string code, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["code"] = code });
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)body.Length);
        await requests.WriteAsync(header, ct);
        await requests.WriteAsync(body, ct);
        await requests.FlushAsync(ct);
    }

    /// <summary>The next frame, or null when the driver's output ended (between frames or inside one).</summary>
    public static async Task<Frame?> ReadFrameAsync(Stream frames, CancellationToken ct)
    {
        var header = new byte[5];
        if (!await ReadExactlyOrEndAsync(frames, header, ct))
            return null;
        var kind = (FrameKind)header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var limit = kind switch
        {
            FrameKind.Hello => MaxHello,
            FrameKind.Stdout or FrameKind.Stderr => MaxChunk,
            FrameKind.Result => MaxResult,
            _ => throw new DriverProtocolException($"the sandbox wrote an unknown frame kind 0x{header[0]:x2}"),
        };
        if (length > limit)
            throw new DriverProtocolException($"the sandbox wrote a {kind} frame of {length} bytes (at most {limit})");
        var payload = new byte[length];
        return await ReadExactlyOrEndAsync(frames, payload, ct) ? new Frame(kind, payload) : null;
    }

    public static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
