using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// Relays an OpenAI-style event stream to the client event by event, as the bytes came, flushing each
/// one. Only the usage-only chunk the gateway asked for on the client's behalf is held back. Usage is
/// read on the way; if none arrives (the client left), completion tokens are estimated from the text seen.
/// </summary>
internal static class SseForwarder
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();

    internal sealed record Result(ChatUsage? Usage, int EstimatedCompletionTokens, double? TimeToFirstTokenMs, bool UpstreamBroke, bool ClientCancelled);

    public static async Task<Result> ForwardAsync(Stream upstream, HttpResponse client, bool holdBackUsageChunk, Stopwatch clock, CancellationToken clientAborted)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var read = ArrayPool<byte>.Shared.Rent(16 * 1024);
        ChatUsage? usage = null;
        var contentChars = 0;
        double? firstToken = null;
        try
        {
            while (true)
            {
                var n = await upstream.ReadAsync(read, clientAborted);
                if (n == 0)
                    break;
                buffer.Write(read.AsSpan(0, n));
                var forwarded = 0;
                var written = buffer.WrittenMemory;
                int end;
                while ((end = EventEnd(written.Span[forwarded..])) >= 0)
                {
                    var e = written.Slice(forwarded, end);
                    forwarded += end;
                    var (chunkUsage, usageOnly, chars) = Inspect(e.Span);
                    usage = chunkUsage ?? usage;
                    contentChars += chars;
                    if (usageOnly && holdBackUsageChunk)
                        continue;
                    await client.Body.WriteAsync(e, clientAborted);
                    await client.Body.FlushAsync(clientAborted);
                    firstToken ??= clock.Elapsed.TotalMilliseconds;
                }

                if (forwarded > 0)
                {
                    var rest = written[forwarded..].ToArray();
                    buffer.ResetWrittenCount();
                    buffer.Write(rest);
                }
            }

            if (buffer.WrittenCount > 0)
            {
                await client.Body.WriteAsync(buffer.WrittenMemory, clientAborted);
                await client.Body.FlushAsync(clientAborted);
            }

            return new Result(usage, contentChars / 4, firstToken, false, false);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new Result(usage, contentChars / 4, firstToken, false, true);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // Bytes already reached the client: no retry is possible, so end with an error it can read.
            var error = JsonSerializer.Serialize(new { error = new { message = "the upstream stream broke off before it finished", type = "api_error", code = "upstream_stream_interrupted" } });
            await client.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {error}\n\n"), CancellationToken.None);
            await client.Body.FlushAsync(CancellationToken.None);
            return new Result(usage, contentChars / 4, firstToken, true, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
        }
    }

    /// <summary>Length of the first complete event (through its blank line), or -1.</summary>
    private static int EventEnd(ReadOnlySpan<byte> span)
    {
        for (var i = 0; i + 1 < span.Length; i++)
        {
            if (span[i] == '\n' && span[i + 1] == '\n')
                return i + 2;
            if (span[i] == '\n' && span[i + 1] == '\r' && i + 2 < span.Length && span[i + 2] == '\n')
                return i + 3;
        }

        return -1;
    }

    /// <summary>Usage, whether the chunk is usage only (no choices), and the characters of content it carries.</summary>
    private static (ChatUsage? Usage, bool UsageOnly, int ContentChars) Inspect(ReadOnlySpan<byte> e)
    {
        var start = e.IndexOf(DataPrefix);
        if (start < 0)
            return (null, false, 0);
        var payload = e[(start + DataPrefix.Length)..].TrimEnd("\r\n"u8);
        if (payload.Length == 0 || payload[0] != (byte)'{')
            return (null, false, 0);
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            var usage = OpenAIUsage.From(root);
            var choices = root.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
            var chars = 0;
            if (choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                        chars += content.GetString()!.Length;
                }
            }

            return (usage, usage is not null && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0, chars);
        }
        catch (JsonException)
        {
            return (null, false, 0);
        }
    }
}
