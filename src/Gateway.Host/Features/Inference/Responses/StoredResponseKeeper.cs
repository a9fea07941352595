using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.StoredResponses;

namespace Gateway.Host.Features.Inference.Responses;

/// <summary>
/// Stores a Responses request's answer (<c>store</c> true, the API's default) before the client sees it end: a whole
/// answer before it is written, a stream's terminal event (<c>response.completed</c> or <c>response.incomplete</c>)
/// held back until the row is in. A client that continues the moment it has read a response, on this instance or
/// another, finds it. The row holds the response object as the client got it and this request's own input,
/// normalised with an id on every item. Should the insert fail, the answer still goes out; the response is then not
/// found later, and the log says why.
/// </summary>
internal sealed partial class StoredResponseKeeper(
    ResponseWriter writer, Principal principal, string model, string? previousResponseId, JsonNode? input, ILogger logger) : IAnswerKeeper
{
    private readonly List<byte> _held = [];
    private ReadOnlyMemory<byte> _terminal;

    public Task KeepAnswerAsync(ReadOnlyMemory<byte> answer, CancellationToken ct) => SaveAsync(answer, ct);

    public ReadOnlyMemory<byte> Pass(ReadOnlyMemory<byte> frames)
    {
        if (_held.Count > 0)
        {
            _held.AddRange(frames.Span);
            return default;
        }

        var at = 0;
        int length;
        while ((length = SseEvents.End(frames.Span[at..])) >= 0)
        {
            if (Terminal(frames.Slice(at, length)))
            {
                _terminal = frames.Slice(at, length).ToArray();
                _held.AddRange(frames.Span[at..]);
                return frames[..at];
            }

            at += length;
        }

        return frames;
    }

    public async Task<ReadOnlyMemory<byte>> KeepStreamAsync(CancellationToken ct)
    {
        if (_held.Count == 0)
            return default;
        if (DataOf(_terminal.Span) is { } data)
        {
            using var document = JsonDocument.Parse(data);
            if (document.RootElement.TryGetProperty("response", out var response))
                await SaveAsync(Encoding.UTF8.GetBytes(response.GetRawText()), ct);
        }

        return _held.ToArray();
    }

    /// <summary>Whether one SSE event ends the response as completed or incomplete (a failed response is not stored).</summary>
    private static bool Terminal(ReadOnlyMemory<byte> sseEvent) =>
        DataOf(sseEvent.Span) is { } data && (data.IndexOf("\"response.completed\""u8) >= 0 || data.IndexOf("\"response.incomplete\""u8) >= 0)
        && TypeOf(data) is "response.completed" or "response.incomplete";

    private static byte[]? DataOf(ReadOnlySpan<byte> sseEvent)
    {
        var start = sseEvent.IndexOf("data: "u8);
        if (start < 0)
            return null;
        var data = sseEvent[(start + 6)..];
        var end = data.IndexOf((byte)'\n');
        return (end < 0 ? data : data[..end]).TrimEnd((byte)'\r').ToArray();
    }

    private static string? TypeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
        }

        return null;
    }

    private async Task SaveAsync(ReadOnlyMemory<byte> responseJson, CancellationToken ct)
    {
        if (principal.OrgId is not { } org)
            return;
        try
        {
            using var document = JsonDocument.Parse(responseJson);
            var root = document.RootElement;
            var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : null;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : null;
            if (id is null || status is not ("completed" or "incomplete"))
                return;
            var created = root.TryGetProperty("created_at", out var c) && c.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : DateTimeOffset.UtcNow;
            await writer.SaveAsync(new StoredResponse(
                org, id, principal.KeyId, previousResponseId, model, status, created,
                Encoding.UTF8.GetString(responseJson.Span), OpenAIResponsesHistory.Normalise(input, id).ToJsonString()), ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or JsonException or TimeoutException or ObjectDisposedException)
        {
            // The client still gets its answer; only continuing from it later fails, with previous_response_not_found.
            LogNotStored(logger, org, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store a response of organization {Org}; continuing from it will fail: {Error}")]
    private static partial void LogNotStored(ILogger logger, string org, string error);
}
