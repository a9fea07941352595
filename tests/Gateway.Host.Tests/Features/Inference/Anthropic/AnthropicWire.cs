using System.Text.Json.Nodes;
using Anthropic;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>The Anthropic dialect as a client sees it: the official SDK, or exact wire JSON over HTTP.</summary>
internal static class AnthropicWire
{
    /// <summary>The official Anthropic SDK pointed at the gateway, retries off so each test sees one exchange.</summary>
    public static AnthropicClient AnthropicSdk(Uri gateway, string secret) => new() { ApiKey = secret, BaseUrl = gateway.ToString().TrimEnd('/'), MaxRetries = 0 };

    /// <summary>An HTTP client that authenticates as Claude Code does: x-api-key and anthropic-version.</summary>
    public static HttpClient WireClient(Uri gateway, string secret)
    {
        var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Add("x-api-key", secret);
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return http;
    }

    /// <summary>The events of an SSE body in order: each event's name and its data.</summary>
    public static async Task<List<(string Event, JsonObject Data)>> EventsAsync(HttpResponseMessage response) =>
        Events(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    /// <summary>The events of an SSE body already read, in order: each event's name and its data.</summary>
    public static List<(string Event, JsonObject Data)> Events(string body)
    {
        var events = new List<(string, JsonObject)>();
        string? name = null;
        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line[7..].TrimEnd('\r');
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add((name ?? "", JsonNode.Parse(line[6..])!.AsObject()));
        }

        return events;
    }

    /// <summary>The blocks a stream built, as a client assembles them: each started whole, its text and input deltas added.</summary>
    public static JsonArray Blocks(List<(string Event, JsonObject Data)> events)
    {
        var blocks = new JsonArray();
        var inputs = new Dictionary<int, string>();
        foreach (var (name, data) in events)
        {
            var index = (int?)data["index"];
            if (name == "content_block_start")
            {
                Assert.Equal(blocks.Count, index);
                blocks.Add(data["content_block"]!.DeepClone());
            }
            else if (name == "content_block_delta" && data["delta"]!["text"] is { } text)
                blocks[index!.Value]!["text"] = (string?)blocks[index.Value]!["text"] + (string?)text;
            else if (name == "content_block_delta" && data["delta"]!["partial_json"] is { } json)
                inputs[index!.Value] = inputs.GetValueOrDefault(index.Value) + (string?)json;
        }

        foreach (var (index, input) in inputs)
            blocks[index]!["input"] = JsonNode.Parse(input);
        return blocks;
    }
}
