using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// Reads another dialect's event stream (Anthropic's named events, Gemini's data-only chunks) and
/// writes OpenAI chunks as each event arrives, through the canonical deltas. Ends with the usage chunk
/// when the client asked for it, then [DONE].
/// </summary>
internal static class TranslatedStreamRelay
{
    /// <param name="read">The dialect's reader: the event name (empty when the stream has none) and its data, to deltas.</param>
    public static async Task<SseForwarder.Result> RelayAsync(
        Stream upstream, Func<string, JsonElement, IEnumerable<ChatDelta>> read, HttpResponse client, bool includeUsage, long created, Stopwatch clock,
        CancellationToken clientAborted)
    {
        using var lines = new StreamReader(upstream, Encoding.UTF8);
        string id = "chatcmpl-gateway", model = "";
        int prompt = 0, cached = 0, chars = 0;
        int? completion = null;
        double? firstToken = null;
        string? eventType = null;
        try
        {
            while (await lines.ReadLineAsync(clientAborted) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventType = line[6..].Trim();
                    continue;
                }

                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue;
                using var data = JsonDocument.Parse(line[5..].Trim());
                foreach (var delta in read(eventType ?? "", data.RootElement))
                {
                    switch (delta)
                    {
                        case StreamStarted started:
                            (id, model, prompt, cached) = (started.Id, started.Model, started.PromptTokens ?? 0, started.CachedTokens);
                            break;
                        case TextDelta text:
                            chars += text.Text.Length;
                            break;
                        case StreamFinished finished:
                            completion = finished.CompletionTokens;
                            break;
                        case StreamFailed failed:
                            await WriteAsync(client, JsonSerializer.Serialize(new { error = new { message = failed.Message, type = "api_error", code = "upstream_error" } }), CancellationToken.None);
                            return new SseForwarder.Result(new ChatUsage(prompt, completion ?? chars / 4, cached), chars / 4, firstToken, true, false);
                    }

                    if (OpenAIChat.WriteChunk(delta, id, model, created) is { } chunk)
                    {
                        await WriteAsync(client, chunk.ToJsonString(), clientAborted);
                        firstToken ??= clock.Elapsed.TotalMilliseconds;
                    }
                }

                eventType = null;
            }

            var usage = new ChatUsage(prompt, completion ?? chars / 4, cached);
            if (includeUsage)
                await WriteAsync(client, OpenAIChat.UsageChunk(id, model, created, usage).ToJsonString(), clientAborted);
            await WriteAsync(client, "[DONE]", clientAborted);
            return new SseForwarder.Result(completion is null ? null : usage, chars / 4, firstToken, false, false);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new SseForwarder.Result(null, chars / 4, firstToken, false, true);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or JsonException)
        {
            var error = JsonSerializer.Serialize(new { error = new { message = "the upstream stream broke off before it finished", type = "api_error", code = "upstream_stream_interrupted" } });
            await WriteAsync(client, error, CancellationToken.None);
            return new SseForwarder.Result(null, chars / 4, firstToken, true, false);
        }
    }

    private static async Task WriteAsync(HttpResponse client, string data, CancellationToken ct)
    {
        await client.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"), ct);
        await client.Body.FlushAsync(ct);
    }
}
