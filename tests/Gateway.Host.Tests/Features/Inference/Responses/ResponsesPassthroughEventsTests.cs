using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Inference.Responses;
using Gateway.Host.Tests.Features.Inference.Relaying;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>A Responses stream passed through, without Kestrel: what the client reads when the upstream breaks it off.</summary>
public sealed class ResponsesPassthroughEventsTests : IDisposable
{
    private readonly DefaultHttpContext _context = new();
    private readonly ClientBody _client = new();

    public ResponsesPassthroughEventsTests() => _context.Response.Body = _client;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Should_end_a_broken_stream_with_an_error_event_and_the_failed_response_numbered_on_from_the_upstreams()
    {
        const string Created = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_up","object":"response","status":"in_progress","output":[]}}


            """;
        const string Delta = """
            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_up","output_index":0,"content_index":0,"delta":"Hel"}


            """;

        var relayed = await Relay.StreamAsync(
            new ScriptedUpstream([Created, Delta], ScriptedUpstream.Ending.Breaks), _context.Response, new ResponsesPassthroughEvents(), 100, Stopwatch.StartNew(), TestContext.Current.CancellationToken);

        Assert.Equal(RelayEnd.UpstreamBroke, relayed.End);
        Assert.Equal([Created, Delta], _client.Writes.Take(2));
        var ending = string.Concat(_client.Writes.Skip(2)).Split("\n").Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).ToList();
        Assert.Equal([("error", 2), ("response.failed", 3)], ending.Select(e => ((string)e["type"]!, (int)e["sequence_number"]!)));
        Assert.Equal("upstream_stream_interrupted", (string?)ending[0]["error"]!["code"]);
        var failed = ending[1]["response"]!;
        Assert.Equal(("resp_up", "failed", "upstream_stream_interrupted"), ((string?)failed["id"], (string?)failed["status"], (string?)failed["error"]!["code"]));
    }
}
