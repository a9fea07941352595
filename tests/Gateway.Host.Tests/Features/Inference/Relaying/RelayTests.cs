using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Inference.Anthropic;
using Gateway.Host.Features.Inference.OpenAI;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Features.Inference.Relaying;

/// <summary>The one relay, without Kestrel: an upstream body read chunk by chunk, a client response on a recorded body.</summary>
public sealed class RelayTests : IDisposable
{
    private const int Estimate = 100;

    private readonly DefaultHttpContext _context = new();
    private readonly ClientBody _client = new();

    public RelayTests() => _context.Response.Body = _client;

    public void Dispose() => _client.Dispose();

    private static string Chunk(string content) => "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";

    /// <param name="client">The client's side of the connection: cancelled when it leaves.</param>
    private Task<RelayResult> StreamAsync(Stream upstream, IEventStrategy strategy, CancellationTokenSource? client = null) =>
        Relay.StreamAsync(upstream, _context.Response, strategy, Estimate, Stopwatch.StartNew(), client?.Token ?? TestContext.Current.CancellationToken);

    [Fact]
    public async Task Should_send_each_event_whole_once_its_blank_line_came_however_the_reads_split_it()
    {
        var first = Chunk("Hel");
        var second = Chunk("lo");

        var relayed = await StreamAsync(new ScriptedUpstream([first[..7], first[7..^1], first[^1..] + second[..3], second[3..]]), new OpenAIPassthroughEvents(holdBackUsageChunk: false));

        Assert.Equal([first, second], _client.Writes);
        Assert.Equal(RelayEnd.Completed, relayed.End);
    }

    [Fact]
    public async Task Should_find_the_end_of_events_framed_with_crlf_even_when_a_read_ends_inside_the_blank_line()
    {
        var first = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}\r\n\r\n";
        var second = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"}]}}]}\r\n\r\n";

        await StreamAsync(new ScriptedUpstream([first[..^3], first[^3..^1], first[^1..] + second]), new Gateway.Host.Features.Inference.Gemini.GeminiPassthroughEvents());

        Assert.Equal([first, second], _client.Writes);
    }

    [Fact]
    public async Task Should_end_a_stream_the_upstream_broke_off_with_the_clients_error_event()
    {
        var relayed = await StreamAsync(new ScriptedUpstream([Chunk("Hel")], ScriptedUpstream.Ending.Breaks), new OpenAIPassthroughEvents(holdBackUsageChunk: false));

        Assert.Equal(RelayEnd.UpstreamBroke, relayed.End);
        Assert.Equal(502, relayed.Status);
        Assert.Equal([Chunk("Hel"), OpenAIChunkWriter.ErrorEvent(502, "upstream_stream_interrupted", "the upstream stream broke off before it finished")], _client.Writes);
    }

    [Fact]
    public async Task Should_end_a_stream_that_stalls_with_the_idle_timeout_event_when_the_clock_passes_it()
    {
        var time = new FakeTimeProvider();
        var upstream = new ScriptedUpstream([Chunk("Hel")], ScriptedUpstream.Ending.FallsSilent);
        await using var idle = new IdleTimeoutStream(upstream, TimeSpan.FromSeconds(30), time, CancellationToken.None);

        var relaying = StreamAsync(idle, new OpenAIPassthroughEvents(holdBackUsageChunk: false));
        await upstream.Silent;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(relaying.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var relayed = await relaying;

        Assert.Equal((RelayEnd.UpstreamStalled, 504), (relayed.End, relayed.Status));
        var error = JsonNode.Parse(_client.Writes[^1]["data: ".Length..])!["error"]!;
        Assert.Equal(("stream_idle_timeout", "api_error"), ((string?)error["code"], (string?)error["type"]));
        Assert.Equal(2, _client.Writes.Count);
    }

    [Fact]
    public async Task Should_stop_when_the_client_leaves_without_writing_an_error_it_would_not_read()
    {
        using var leaves = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var upstream = new ScriptedUpstream([Chunk("Hel")], ScriptedUpstream.Ending.FallsSilent);

        var relaying = StreamAsync(upstream, new OpenAIPassthroughEvents(holdBackUsageChunk: false), leaves);
        await upstream.Silent;
        await leaves.CancelAsync();
        var relayed = await relaying;

        Assert.Equal((RelayEnd.ClientLeft, 499, true), (relayed.End, relayed.Status, relayed.ClientLeft));
        Assert.Equal([Chunk("Hel")], _client.Writes);
    }

    [Fact]
    public async Task Should_hold_back_the_usage_chunk_the_client_did_not_ask_for_and_still_read_its_usage()
    {
        const string usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}\n\n";
        const string done = "data: [DONE]\n\n";

        var relayed = await StreamAsync(new ScriptedUpstream([Chunk("Hi"), usage, done]), new OpenAIPassthroughEvents(holdBackUsageChunk: true));

        Assert.Equal([Chunk("Hi"), done], _client.Writes);
        Assert.Equal((new ChatUsage(12, 3, 0), false), (relayed.Usage, relayed.UsageEstimated));
    }

    [Fact]
    public async Task Should_read_anthropics_usage_from_its_events_on_the_way_through()
    {
        string[] events =
        [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":5}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ];

        var relayed = await StreamAsync(new ScriptedUpstream(events), new AnthropicPassthroughEvents());

        Assert.Equal(events, _client.Writes);
        Assert.Equal((25, 7, 5, false), (relayed.Usage!.PromptTokens, relayed.Usage.CompletionTokens, relayed.Usage.CachedTokens, relayed.UsageEstimated));
    }

    [Fact]
    public async Task Should_estimate_a_stream_that_reports_no_usage_from_the_request_and_the_text_seen()
    {
        var relayed = await StreamAsync(new ScriptedUpstream([Chunk("twelve chars")]), new OpenAIPassthroughEvents(holdBackUsageChunk: false));

        Assert.Equal((new ChatUsage(Estimate, 3, 0), true), (relayed.Usage, relayed.UsageEstimated));
    }

    [Fact]
    public async Task Should_translate_an_anthropic_stream_into_openai_chunks_as_it_arrives()
    {
        var stream = string.Concat(
            "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":9}}}\r\n\r\n",
            "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n",
            "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\r\n\r\n",
            "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\r\n\r\n",
            "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n");
        // Reads of 17 bytes cut through names, data and line endings alike.
        var reads = Enumerable.Range(0, (stream.Length + 16) / 17).Select(i => stream.Substring(i * 17, Math.Min(17, stream.Length - (i * 17))));

        var relayed = await StreamAsync(new ScriptedUpstream(reads), new TranslatedEvents(new AnthropicEventReader(), new OpenAIChunkWriter(includeUsage: true, created: 1)));

        var chunks = _client.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", chunks[^1]);
        var parsed = chunks.SkipLast(1).Select(c => JsonNode.Parse(c)!).ToList();
        Assert.All(parsed, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Equal("Hello", string.Concat(parsed.Select(c => (string?)c["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"])));
        Assert.Equal("stop", parsed.Select(c => (string?)c["choices"]?.AsArray().FirstOrDefault()?["finish_reason"]).Last(r => r is not null));
        Assert.Equal((9, 2), ((int)parsed[^1]["usage"]!["prompt_tokens"]!, (int)parsed[^1]["usage"]!["completion_tokens"]!));
        Assert.Equal((RelayEnd.Completed, new ChatUsage(9, 2, 0), false), (relayed.End, relayed.Usage, relayed.UsageEstimated));
    }

    [Fact]
    public async Task Should_pass_an_upstream_error_event_on_in_the_clients_dialect_and_end_there()
    {
        string[] events =
        [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":9}}}\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"never sent\"}}\n\n",
        ];

        var relayed = await StreamAsync(new ScriptedUpstream(events), new TranslatedEvents(new AnthropicEventReader(), new OpenAIChunkWriter(includeUsage: false, created: 1)));

        Assert.Equal(RelayEnd.UpstreamBroke, relayed.End);
        Assert.Equal(OpenAIChunkWriter.ErrorEvent(502, "upstream_error", "Overloaded"), _client.Writes[^1]);
        Assert.DoesNotContain("never sent", _client.Text, StringComparison.Ordinal);
        Assert.Equal(9, relayed.Usage!.PromptTokens);
    }

    [Fact]
    public async Task Should_end_a_translated_stream_whose_data_is_not_json_as_broken()
    {
        var relayed = await StreamAsync(
            new ScriptedUpstream(["event: message_start\ndata: {not json\n\n"]), new TranslatedEvents(new AnthropicEventReader(), new AnthropicEventWriter(0)));

        Assert.Equal(RelayEnd.UpstreamBroke, relayed.End);
        Assert.Equal(AnthropicEventWriter.ErrorEvent(502, "the upstream stream broke off before it finished"), _client.Writes.Single());
    }

    [Fact]
    public async Task Should_let_the_gateway_close_the_stream_with_the_clients_error_event_only_while_it_is_open()
    {
        OpenStream? during = null;
        var strategy = new WatchingStrategy(new OpenAIPassthroughEvents(holdBackUsageChunk: false), () => during = _context.Features.Get<OpenStream>());

        await StreamAsync(new ScriptedUpstream([Chunk("Hi")]), strategy);

        Assert.Equal(OpenAIChunkWriter.ErrorEvent(500, "internal_error", "failed"), during!.FailureEvent(StreamFault.GatewayFailed("failed")));
        Assert.Null(_context.Features.Get<OpenStream>());
    }

    [Fact]
    public async Task Should_send_a_whole_answer_once_with_the_usage_its_strategy_read()
    {
        var usage = new ChatUsage(4, 2, 0);

        var relayed = await Relay.AnswerAsync(
            new ScriptedUpstream(["{\"id\":", "\"x\"}"]), _context.Response, upstream => new RelayedAnswer([.. upstream, .. "\n"u8.ToArray()], usage, false),
            Stopwatch.StartNew(), TestContext.Current.CancellationToken);

        Assert.Equal(["{\"id\":\"x\"}\n"], _client.Writes);
        Assert.Equal((RelayEnd.Completed, 200, usage), (relayed.End, relayed.Status, relayed.Usage));
    }

    /// <summary>A strategy that looks at the response as each event is relayed.</summary>
    private sealed class WatchingStrategy(IEventStrategy inner, Action watch) : IEventStrategy
    {
        public ChatUsage? Usage => inner.Usage;

        public int OutputChars => inner.OutputChars;

        public EventStep Event(ReadOnlyMemory<byte> sseEvent)
        {
            watch();
            return inner.Event(sseEvent);
        }

        public EventStep End(ReadOnlyMemory<byte> rest) => inner.End(rest);

        public string Failure(StreamFault fault) => inner.Failure(fault);
    }
}
