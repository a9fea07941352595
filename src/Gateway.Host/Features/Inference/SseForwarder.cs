using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Relays an event stream in the client's own dialect event by event, as the bytes came, flushing each
/// one. The dialect's <see cref="SseInspector"/> reads usage on the way and may hold an event back (the
/// usage-only chunk the gateway asked for on an OpenAI client's behalf). If no usage arrives (the client
/// left, the upstream broke off or stalled), completion tokens are estimated from the text seen.
/// </summary>
internal static class SseForwarder
{
    internal sealed record Result(ChatUsage? Usage, int EstimatedCompletionTokens, double? TimeToFirstTokenMs, RelayEnd End);

    /// <summary>One dialect's reading of its own events; one instance per stream.</summary>
    internal abstract class SseInspector
    {
        /// <summary>The usage the stream reported in full, or null.</summary>
        public abstract ChatUsage? Usage { get; }

        public int ContentChars { get; protected set; }

        /// <summary>The dialect's error event that ends a stream which failed after bytes reached the client.</summary>
        public abstract string Failure(StreamFault fault);

        /// <summary>Reads one complete event; true when it must not reach the client. Events without JSON data pass unread.</summary>
        public bool HoldBack(ReadOnlySpan<byte> sseEvent)
        {
            var start = sseEvent.IndexOf("data: "u8);
            if (start < 0)
                return false;
            var payload = sseEvent[(start + 6)..];
            var end = payload.IndexOf((byte)'\n');
            payload = (end < 0 ? payload : payload[..end]).TrimEnd("\r\n"u8);
            if (payload.Length == 0 || payload[0] != (byte)'{')
                return false;
            try
            {
                using var document = JsonDocument.Parse(payload.ToArray());
                return Read(document.RootElement);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>Reads one event's data; true to hold it back.</summary>
        protected abstract bool Read(JsonElement data);
    }

    public static async Task<Result> ForwardAsync(Stream upstream, HttpResponse client, SseInspector inspector, Stopwatch clock, CancellationToken clientAborted)
    {
        OpenStream.Begin(client, inspector.Failure);
        var result = await CopyAsync(upstream, client, inspector, clock, clientAborted);
        OpenStream.End(client);
        return result;
    }

    private static async Task<Result> CopyAsync(Stream upstream, HttpResponse client, SseInspector inspector, Stopwatch clock, CancellationToken clientAborted)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var read = ArrayPool<byte>.Shared.Rent(16 * 1024);
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
                    if (inspector.HoldBack(e.Span))
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

            return new Result(inspector.Usage, inspector.ContentChars / 4, firstToken, RelayEnd.Completed);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new Result(inspector.Usage, inspector.ContentChars / 4, firstToken, RelayEnd.ClientLeft);
        }
        catch (UpstreamStalledException stall)
        {
            await EndAsync(client, inspector.Failure(StreamFault.IdleTimeout(stall)));
            return new Result(inspector.Usage, inspector.ContentChars / 4, firstToken, RelayEnd.UpstreamStalled);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            await EndAsync(client, inspector.Failure(StreamFault.Interrupted));
            return new Result(inspector.Usage, inspector.ContentChars / 4, firstToken, RelayEnd.UpstreamBroke);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
        }
    }

    /// <summary>Bytes already reached the client: no retry is possible, so the stream ends with an error it can read.</summary>
    internal static async Task EndAsync(HttpResponse client, string errorEvent)
    {
        await client.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(errorEvent), CancellationToken.None);
        await client.Body.FlushAsync(CancellationToken.None);
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
}
