using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// Reads an upstream's event stream in its dialect (Anthropic's named events, Gemini's and OpenAI's
/// data-only chunks) and writes the client's dialect as each event arrives, through the canonical
/// deltas. Usage is read on the way; a failure after the first byte (an upstream error event, a broken
/// or unreadable stream, a stall) ends with the client dialect's error event, never with a silent end.
/// </summary>
internal static class TranslatedStreamRelay
{
    public static async Task<SseForwarder.Result> RelayAsync(
        Stream upstream, IChatEventReader reader, IChatEventWriter writer, HttpResponse client, Stopwatch clock, CancellationToken clientAborted)
    {
        OpenStream.Begin(client, writer.Failure);
        var result = await TranslateAsync(upstream, reader, writer, client, clock, clientAborted);
        OpenStream.End(client);
        return result;
    }

    private static async Task<SseForwarder.Result> TranslateAsync(
        Stream upstream, IChatEventReader reader, IChatEventWriter writer, HttpResponse client, Stopwatch clock, CancellationToken clientAborted)
    {
        using var lines = new StreamReader(upstream, Encoding.UTF8);
        ChatUsage? prompt = null, reported = null;
        var chars = 0;
        double? firstToken = null;
        string? eventType = null;
        string? failure = null;

        // What the upstream reported, or else its prompt counts with the output estimated from the text seen.
        ChatUsage Seen() => reported ?? ((prompt ?? ChatUsage.None) with { CompletionTokens = chars / 4 });

        async Task Relay(IEnumerable<ChatDelta> deltas)
        {
            foreach (var delta in deltas)
            {
                switch (delta)
                {
                    case StreamStarted started:
                        prompt = started.Usage;
                        break;
                    case TextDelta text:
                        chars += text.Text.Length;
                        break;
                    case ThinkingDelta thinking:
                        // Thinking is billed as output: it counts when the completion has to be estimated.
                        chars += thinking.Text.Length;
                        break;
                    case StreamFinished finished:
                        reported = finished.Usage;
                        break;
                    case StreamFailed failed:
                        failure = failed.Message;
                        await SseForwarder.EndAsync(client, writer.Failure(StreamFault.UpstreamError(failed.Message)));
                        return;
                }

                foreach (var frame in writer.Write(delta))
                {
                    await WriteAsync(client, frame, clientAborted);
                    firstToken ??= clock.Elapsed.TotalMilliseconds;
                }
            }
        }

        try
        {
            while (failure is null && await lines.ReadLineAsync(clientAborted) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventType = line[6..].Trim();
                    continue;
                }

                if (!line.StartsWith("data:", StringComparison.Ordinal) || line[5..].Trim() is OpenAIApi.StreamEnd)
                    continue;
                using var data = JsonDocument.Parse(line[5..].Trim());
                await Relay(reader.Read(eventType ?? "", data.RootElement));
                eventType = null;
            }

            if (failure is not null)
                return new SseForwarder.Result(Seen(), chars / 4, firstToken, RelayEnd.UpstreamBroke);
            await Relay(reader.Complete());
            foreach (var frame in writer.Complete(Seen()))
                await WriteAsync(client, frame, clientAborted);
            return new SseForwarder.Result(reported, chars / 4, firstToken, RelayEnd.Completed);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new SseForwarder.Result(null, chars / 4, firstToken, RelayEnd.ClientLeft);
        }
        catch (UpstreamStalledException stall)
        {
            await SseForwarder.EndAsync(client, writer.Failure(StreamFault.IdleTimeout(stall)));
            return new SseForwarder.Result(null, chars / 4, firstToken, RelayEnd.UpstreamStalled);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or JsonException)
        {
            await SseForwarder.EndAsync(client, writer.Failure(StreamFault.Interrupted));
            return new SseForwarder.Result(null, chars / 4, firstToken, RelayEnd.UpstreamBroke);
        }
    }

    /// <summary>The client dialect's error event for a fault, its type derived from the fault's status.</summary>
    private static string Failure(this IChatEventWriter writer, StreamFault fault) => writer.Failure(fault.Status, fault.Code, fault.Message);

    private static async Task WriteAsync(HttpResponse client, string frame, CancellationToken ct)
    {
        await client.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), ct);
        await client.Body.FlushAsync(ct);
    }
}
