using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>The Responses API as raw HTTP: a request posted as JSON, and a stream read back as its events.</summary>
internal static class ResponsesWire
{
    /// <summary>One server-sent event: its <c>event:</c> line and its data.</summary>
    internal sealed record Event(string Name, JsonObject Data)
    {
        public string Type => (string)Data["type"]!;
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string json) =>
        await http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(json, Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

    /// <summary>The events of a whole stream, in order; a data line that is not JSON (such as <c>[DONE]</c>) fails the parse.</summary>
    public static IReadOnlyList<Event> Events(string stream) =>
    [
        .. stream.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(frame => frame.Split('\n').Where(line => !line.StartsWith(':')).ToList())
            .Where(lines => lines.Count > 0)
            .Select(lines => new Event(
                Field(lines, "event: "),
                JsonNode.Parse(Field(lines, "data: "))!.AsObject())),
    ];

    /// <summary>The error object of a whole (non-streamed) refusal.</summary>
    public static async Task<JsonObject> ErrorAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["error"]!.AsObject();

    private static string Field(List<string> lines, string prefix) =>
        lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
}
