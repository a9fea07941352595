using System.Buffers;
using System.Diagnostics;
using Gateway.Domain.Chat;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// Copies one upstream answer to the client, the only place that does: a stream event by event as the bytes come
/// (<see cref="SseEvents"/> finds where each ends), each flushed, or a whole answer at once; what happens to an
/// event (<see cref="IEventStrategy"/>) or an answer is the way's: passed through as it came, or translated. A stream that fails after it began ends
/// with the client dialect's error event, never silently: the upstream broke off or sent an error
/// (<see cref="RelayEnd.UpstreamBroke"/>), it stalled (<see cref="UpstreamStalledException"/>), or the gateway itself
/// failed (<see cref="OpenStream"/>, for <see cref="InferenceFaults"/>). A stream that reports no usage is estimated:
/// the gateway's estimate for the prompt, the characters seen for the output. A dialect that keeps its answers
/// (<see cref="IAnswerKeeper"/>) sees a whole answer before the client does, and holds back a stream's end until it
/// has kept what the stream told.
/// </summary>
internal static class Relay
{
    private const int ReadSize = 16 * 1024;

    /// <param name="estimatedTokens">The gateway's estimate of the request, standing for the prompt when the stream reports no usage.</param>
    /// <param name="keeper">The dialect's keeper of answers, or null when it keeps none.</param>
    public static async Task<RelayResult> StreamAsync(
        Stream upstream, HttpResponse client, IEventStrategy strategy, int estimatedTokens, Stopwatch clock, CancellationToken clientAborted, IAnswerKeeper? keeper = null)
    {
        OpenStream.Begin(client, strategy.Failure);
        var (end, firstToken) = await CopyAsync(upstream, client, strategy, keeper, clock, clientAborted);
        OpenStream.End(client);
        var usage = strategy.Usage;
        return new RelayResult(end, usage ?? new ChatUsage(estimatedTokens, strategy.OutputChars / 4, 0), usage is null, firstToken);
    }

    /// <summary>A whole answer, already read whole by the call (its timeout covers the last byte).</summary>
    /// <param name="answer">What the client gets for the upstream's bytes: the same bytes, or the answer translated.</param>
    /// <param name="keeper">The dialect's keeper of answers, or null when it keeps none (or the answer is an upstream's error).</param>
    public static async Task<RelayResult> AnswerAsync(
        Stream upstream, HttpResponse client, Func<byte[], RelayedAnswer> answer, Stopwatch clock, CancellationToken clientAborted, IAnswerKeeper? keeper = null)
    {
        var relayed = answer(await ReadWholeAsync(upstream, clientAborted));
        if (keeper is not null)
            await keeper.KeepAnswerAsync(relayed.Body, clientAborted);
        await client.Body.WriteAsync(relayed.Body, clientAborted);
        return new RelayResult(RelayEnd.Completed, relayed.Usage, relayed.UsageEstimated, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>A buffered answer's stream knows its length: read into one array of it, rather than grown and copied again.</summary>
    private static async Task<byte[]> ReadWholeAsync(Stream upstream, CancellationToken ct)
    {
        if (upstream.CanSeek)
        {
            var bytes = new byte[upstream.Length - upstream.Position];
            await upstream.ReadExactlyAsync(bytes, ct);
            return bytes;
        }

        using var buffered = new MemoryStream();
        await upstream.CopyToAsync(buffered, ct);
        return buffered.ToArray();
    }

    private static async Task<(RelayEnd End, double? FirstTokenMs)> CopyAsync(
        Stream upstream, HttpResponse client, IEventStrategy strategy, IAnswerKeeper? keeper, Stopwatch clock, CancellationToken clientAborted)
    {
        var pending = new ArrayBufferWriter<byte>(ReadSize);
        var read = ArrayPool<byte>.Shared.Rent(ReadSize);
        double? firstToken = null;
        try
        {
            int n;
            while ((n = await upstream.ReadAsync(read, clientAborted)) > 0)
            {
                pending.Write(read.AsSpan(0, n));
                var events = pending.WrittenMemory;
                var taken = 0;
                int length;
                while ((length = SseEvents.End(events.Span[taken..])) >= 0)
                {
                    var step = strategy.Event(events.Slice(taken, length));
                    taken += length;
                    if (step.UpstreamFailed)
                    {
                        await EndAsync(client, step.ToClient);
                        return (RelayEnd.UpstreamBroke, firstToken);
                    }

                    var now = keeper?.Pass(step.ToClient) ?? step.ToClient;
                    if (now.IsEmpty)
                        continue;
                    await client.Body.WriteAsync(now, clientAborted);
                    await client.Body.FlushAsync(clientAborted);
                    firstToken ??= clock.Elapsed.TotalMilliseconds;
                }

                if (taken > 0)
                {
                    var rest = events[taken..].ToArray();
                    pending.ResetWrittenCount();
                    pending.Write(rest);
                }
            }

            var last = strategy.End(pending.WrittenMemory);
            if (last.UpstreamFailed)
            {
                await EndAsync(client, last.ToClient);
                return (RelayEnd.UpstreamBroke, firstToken);
            }

            var ending = keeper is null ? last.ToClient : await KeptEndingAsync(keeper, last.ToClient, clientAborted);
            if (!ending.IsEmpty)
            {
                await client.Body.WriteAsync(ending, clientAborted);
                await client.Body.FlushAsync(clientAborted);
            }

            return (RelayEnd.Completed, firstToken);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return (RelayEnd.ClientLeft, firstToken);
        }
        catch (UpstreamStalledException stall)
        {
            await EndAsync(client, strategy.Failure(StreamFault.IdleTimeout(stall)));
            return (RelayEnd.UpstreamStalled, firstToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or System.Text.Json.JsonException)
        {
            await EndAsync(client, strategy.Failure(StreamFault.Interrupted));
            return (RelayEnd.UpstreamBroke, firstToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
        }
    }

    /// <summary>A stream's last bytes, once the keeper has kept what the stream told: what it lets pass, then what it held.</summary>
    public static async Task<ReadOnlyMemory<byte>> KeptEndingAsync(IAnswerKeeper keeper, ReadOnlyMemory<byte> last, CancellationToken ct)
    {
        var passed = keeper.Pass(last);
        var held = await keeper.KeepStreamAsync(ct);
        return passed.IsEmpty ? held : held.IsEmpty ? passed : (byte[])[.. passed.Span, .. held.Span];
    }

    /// <summary>Bytes already reached the client: no retry is possible, so the stream ends with an error it can read.</summary>
    private static async Task EndAsync(HttpResponse client, ReadOnlyMemory<byte> errorEvent)
    {
        await client.Body.WriteAsync(errorEvent, CancellationToken.None);
        await client.Body.FlushAsync(CancellationToken.None);
    }

    private static Task EndAsync(HttpResponse client, string errorEvent) => EndAsync(client, System.Text.Encoding.UTF8.GetBytes(errorEvent));
}
