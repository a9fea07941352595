using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tools.Outbound;

namespace Gateway.Tools.WebSearch.Backends;

/// <summary>
/// How every adapter calls its API: through the guarded client (an internal backend needs
/// <c>outbound.allow</c>), following no redirect (it would carry the key's header to wherever it
/// points; the operator names the URL the API answers at), within a size and time cap. Failures are
/// worded for the model and the operator alike, and name the backend but never the key or the query.
/// </summary>
internal sealed class BackendClient(OutboundClient outbound, string backend, TimeSpan timeout)
{
    private const long MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>The answer's JSON, or why there is none.</summary>
    /// <param name="hint">What a given error status likely means for this backend, said after it.</param>
    public async Task<(JsonNode? Json, string? Failure)> SendAsync(OutboundRequest request, Func<HttpStatusCode, string?> hint, CancellationToken ct)
    {
        var answer = await outbound.SendAsync(request, new OutboundLimits(0, MaxAnswerBytes, timeout), ct);
        switch (answer.Status)
        {
            case OutboundStatus.Refused:
                return (null, $"the search backend ({backend}) was refused: {answer.Reason}");
            case OutboundStatus.Failed:
                return (null, $"the search backend ({backend}) did not answer: {answer.Reason}");
        }

        if (!answer.IsSuccess)
            return (null, $"the search backend ({backend}) answered {answer.Reason}{(hint(answer.StatusCode!.Value) is { } h ? $" ({h})" : "")}");
        try
        {
            return (JsonNode.Parse(answer.Body), null);
        }
        catch (JsonException)
        {
            return (null, $"the search backend ({backend}) answered something that is not JSON");
        }
    }

    /// <summary>The hint for statuses every API gives the same meaning.</summary>
    public static string? CommonHint(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"check {WebSearchOptions.Section}.api_key",
        HttpStatusCode.TooManyRequests => "its rate limit or quota is spent",
        _ => null,
    };

    public static Uri Endpoint(Uri baseUrl, string path, string query = "") => new(baseUrl.AbsoluteUri.TrimEnd('/') + path + query);

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject item && item[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The hits of the list <paramref name="list"/> in <paramref name="parent"/>, read by the backend's field names; an item without a usable URL is skipped.</summary>
    public static BackendAnswer Hits(JsonNode? parent, string list, HitFields fields)
    {
        var items = parent is JsonObject container && container[list] is JsonArray array ? array : [];
        var hits = items.Select(i => Hit(Text(i, fields.Title), Text(i, fields.Url), Text(i, fields.Snippet), Text(i, fields.Published)));
        return new BackendAnswer([.. hits.OfType<BackendHit>()], null);
    }

    private static BackendHit? Hit(string? title, string? url, string? snippet, string? published)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var absolute) || absolute.Scheme is not ("http" or "https"))
            return null;
        DateTimeOffset? date = DateTimeOffset.TryParse(published, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
        return new BackendHit(SnippetText.Plain(title), absolute, SnippetText.Plain(snippet), date);
    }
}

/// <summary>What a backend calls each field of a result.</summary>
internal sealed record HitFields(string Title, string Url, string Snippet, string Published);
