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

    /// <summary>The data of the terminal event held back, once one is: the bytes after it are held with it.</summary>
    private byte[]? _ending;

    public Task KeepAnswerAsync(ReadOnlyMemory<byte> answer, CancellationToken ct) => SaveAsync(answer, inEvent: false, ct);

    public ReadOnlyMemory<byte> Pass(ReadOnlyMemory<byte> frames)
    {
        if (_ending is not null)
        {
            _held.AddRange(frames.Span);
            return default;
        }

        var at = 0;
        int length;
        while ((length = SseEvents.End(frames.Span[at..])) >= 0)
        {
            var data = SseEvents.Data(frames.Slice(at, length)).Span;
            if (Terminal(data))
            {
                _ending = data.ToArray();
                _held.AddRange(frames.Span[at..]);
                return frames[..at];
            }

            at += length;
        }

        return frames;
    }

    public async Task<ReadOnlyMemory<byte>> KeepStreamAsync(CancellationToken ct)
    {
        if (_ending is null)
            return default;
        await SaveAsync(_ending, inEvent: true, ct);
        return _held.ToArray();
    }

    /// <summary>Whether an event's data ends the response as completed or incomplete (a failed response is not stored).</summary>
    private static bool Terminal(ReadOnlySpan<byte> data) =>
        (data.IndexOf("\"response.completed\""u8) >= 0 || data.IndexOf("\"response.incomplete\""u8) >= 0)
        && TypeOf(data) is "response.completed" or "response.incomplete";

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

    /// <param name="json">A response object, or with <paramref name="inEvent"/> the data of an event that carries one.</param>
    private async Task SaveAsync(ReadOnlyMemory<byte> json, bool inEvent, CancellationToken ct)
    {
        if (principal.OrgId is not { } org)
            return;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (inEvent && !root.TryGetProperty("response", out root))
                return;
            var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : null;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : null;
            if (id is null || status is not ("completed" or "incomplete"))
                return;
            var created = root.TryGetProperty("created_at", out var c) && c.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : DateTimeOffset.UtcNow;
            // A whole answer's bytes as the client gets them, or the event's response object as it came.
            var text = inEvent ? root.GetRawText() : Encoding.UTF8.GetString(json.Span);
            await writer.SaveAsync(new StoredResponse(
                org, id, principal.KeyId, previousResponseId, model, status, created, text, OpenAIResponsesHistory.Normalise(input, id).ToJsonString()), ct);
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
