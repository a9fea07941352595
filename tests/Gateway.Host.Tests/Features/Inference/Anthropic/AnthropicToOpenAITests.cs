using System.Net;
using Anthropic.Models.Messages;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Anthropic.AnthropicWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Anthropic;

/// <summary>Anthropic clients (Claude Code, the SDK) reaching an OpenAI-compatible upstream, translated through the canonical model.</summary>
public sealed class AnthropicToOpenAITests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string Weather = """{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}""";

    [Fact]
    public async Task Should_answer_the_anthropic_sdk_from_an_openai_compatible_upstream_and_record_it_as_the_anthropic_dialect()
    {
        var message = await AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.Create(new MessageCreateParams
        {
            Model = "fake:gpt-4o-mini", MaxTokens = 100, System = "Be brief.", Messages = [new UserMessageParam { Content = "Say hello" }],
        }, TestContext.Current.CancellationToken);

        var text = Assert.Single(message.Content).Value as TextBlock;
        Assert.Equal("Hello from the fake upstream", text!.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(9, message.Usage.InputTokens);
        Assert.Equal(3, message.Usage.CacheReadInputTokens);
        Assert.Equal(7, message.Usage.OutputTokens);
        var sent = Assert.Single(Upstream.Requests).Body;
        Assert.Equal("""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"max_tokens":100}""", sent.ToJsonString());
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal("anthropic", (string?)record["dialect"]);
        Assert.Equal("/v1/messages", (string?)record["endpoint"]);
        Assert.Equal("fake:gpt-4o-mini", (string?)record["requested_model"]);
        Assert.Equal(200, (int)record["status"]!);
        Assert.Equal(12, (int)record["prompt_tokens"]!);
        Assert.Equal(7, (int)record["completion_tokens"]!);
        Assert.Equal(3, (int)record["cached_tokens"]!);
    }

    [Fact]
    public async Task Should_stream_anthropics_event_sequence_from_openai_chunks_with_exact_usage_at_the_end()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        var response = await PostAsync(http, "/v1/messages", """{"model":"fake:gpt-4o-mini","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Say hello"}]}""");
        var events = await EventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
             "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
        Assert.All(events, e => Assert.Equal(e.Event, (string?)e.Data["type"]));
        Assert.Equal(
            """{"input_tokens":3,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":0}""",
            events[0].Data["message"]!["usage"]!.ToJsonString());
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", events[1].Data.ToJsonString());
        Assert.Equal("Hello from the fake upstream", string.Concat(events.Skip(2).Take(5).Select(e => (string?)e.Data["delta"]!["text"])));
        Assert.All(events.Skip(2).Take(5), e => Assert.Equal("text_delta", (string?)e.Data["delta"]!["type"]));
        Assert.Equal("""{"type":"content_block_stop","index":0}""", events[7].Data.ToJsonString());
        Assert.Equal(
            """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}}""",
            events[8].Data.ToJsonString());
        Assert.True((bool)Assert.Single(Upstream.Requests).Body["stream_options"]!["include_usage"]!);
        var record = (await LastUsageRecordAsync())!;
        Assert.True((bool)record["stream"]!);
        Assert.Equal(12, (int)record["prompt_tokens"]!);
        Assert.Equal(5, (int)record["completion_tokens"]!);
        Assert.False((bool)record["usage_estimated"]!);
    }

    [Fact]
    public async Task Should_stream_to_the_anthropic_sdk()
    {
        var text = new System.Text.StringBuilder();
        await foreach (var e in AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "fake:gpt-4o-mini", MaxTokens = 50, Messages = [new UserMessageParam { Content = "Say hello" }],
        }, TestContext.Current.CancellationToken))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var piece))
                text.Append(piece.Text);
        }

        Assert.Equal("Hello from the fake upstream", text.ToString());
    }

    [Fact]
    public async Task Should_carry_a_tool_use_and_its_tool_result_through_an_openai_compatible_upstream()
    {
        foreach (var key in (string[])["up-1", "up-2", "up-3"])
            Upstream.Script(key, FakeOpenAIUpstream.Reply.ToolCall("weather", """{"city":"Oslo"}"""));
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var first = await JsonAsync(await PostAsync(http, "/v1/messages",
            $$"""{"model":"fake:gpt-4o-mini","max_tokens":50,"tools":[{{Weather}}],"tool_choice":{"type":"tool","name":"weather"},"messages":[{"role":"user","content":"Weather in Oslo?"}]}"""));
        await PostAsync(http, "/v1/messages", $$$"""
            {"model":"fake:gpt-4o-mini","max_tokens":50,"tools":[{{{Weather}}}],"messages":[
              {"role":"user","content":"Weather in Oslo?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"call_fake","name":"weather","input":{"city":"Oslo"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_fake","content":"-3 C"},{"type":"text","text":"And tomorrow?"}]}]}
            """);

        Assert.Equal("""[{"type":"tool_use","id":"call_fake","name":"weather","input":{"city":"Oslo"}}]""", first["content"]!.ToJsonString());
        Assert.Equal("tool_use", (string?)first["stop_reason"]);
        var sent = Upstream.Requests.Select(r => r.Body).ToList();
        Assert.Equal("""[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""", sent[0]["tools"]!.ToJsonString());
        Assert.Equal("""{"type":"function","function":{"name":"weather"}}""", sent[0]["tool_choice"]!.ToJsonString());
        Assert.Equal(
            """[{"role":"user","content":"Weather in Oslo?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_fake","type":"function","function":{"name":"weather","arguments":"{\u0022city\u0022:\u0022Oslo\u0022}"}}]},{"role":"tool","tool_call_id":"call_fake","content":"-3 C"},{"role":"user","content":"And tomorrow?"}]""",
            sent[1]["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_stream_a_tool_use_as_input_json_deltas()
    {
        Upstream.Script("up-1", FakeOpenAIUpstream.Reply.ToolCall("weather", """{"city":"Oslo"}"""));
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var events = await EventsAsync(await PostAsync(http, "/v1/messages",
            $$"""{"model":"fake:gpt-4o-mini","max_tokens":50,"stream":true,"tools":[{{Weather}}],"messages":[{"role":"user","content":"Weather in Oslo?"}]}"""));

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], events.Select(e => e.Event));
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"call_fake","name":"weather","input":{}}}""", events[1].Data.ToJsonString());
        Assert.All(events[2..4], e => Assert.Equal("input_json_delta", (string?)e.Data["delta"]!["type"]));
        Assert.Equal("""{"city":"Oslo"}""", string.Concat(events[2..4].Select(e => (string?)e.Data["delta"]!["partial_json"])));
        Assert.Equal("tool_use", (string?)events[5].Data["delta"]!["stop_reason"]);
        Assert.Equal(9, (int)events[5].Data["usage"]!["output_tokens"]!);
    }

    [Fact]
    public async Task Should_count_tokens_for_an_openai_model_with_its_tokenizer_say_so_and_charge_nothing()
    {
        var count = await AnthropicSdk(Server.Client.BaseAddress!, Secret).Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "fake:gpt-4o-mini", System = "Be brief.", Messages = [new UserMessageParam { Content = "Say hello" }],
        }, TestContext.Current.CancellationToken);
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        var raw = await PostAsync(http, "/v1/messages/count_tokens", """{"model":"fake:gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}""");
        var weather = await PostAsync(http, "/v1/messages/count_tokens", WeatherCount);

        // o200k_base: 3 a message + "system" 1 + "Be brief." 3, 3 + "user" 1 + "Say hello" 2, and 3 to prime the reply.
        Assert.Equal(16, count.InputTokens);
        Assert.Equal("tokenized", Assert.Single(raw.Headers.GetValues("x-gateway-token-count")));
        Assert.Equal("""{"input_tokens":9}""", (await JsonAsync(raw)).ToJsonString());
        // OpenAI's cookbook example with a tool, for which the API itself counted 101 on gpt-4o.
        Assert.Equal("""{"input_tokens":101}""", (await JsonAsync(weather)).ToJsonString());
        Assert.Empty(Upstream.Requests);
        Assert.Null(await LastUsageRecordAsync());
    }

    [Fact]
    public async Task Should_estimate_count_tokens_for_a_model_of_no_openai_family_and_say_so()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var raw = await PostAsync(http, "/v1/messages/count_tokens", """{"model":"backup:backup-model","system":"Be brief.","messages":[{"role":"user","content":"Say hello"}]}""");

        // "Be brief." and "Say hello": 18 characters, about four a token, rounded up.
        Assert.Equal("estimated", Assert.Single(raw.Headers.GetValues("x-gateway-token-count")));
        Assert.Equal("""{"input_tokens":5}""", (await JsonAsync(raw)).ToJsonString());
        Assert.Empty(Backup.Requests);
    }

    /// <summary>OpenAI's cookbook example with a tool ("How to count tokens with tiktoken"), in Anthropic's shape.</summary>
    private const string WeatherCount = """
        {"model":"fake:gpt-4o","system":"You are a helpful assistant that can answer to questions about the weather.",
         "messages":[{"role":"user","content":"What's the weather like in San Francisco?"}],
         "tools":[{"name":"get_current_weather","description":"Get the current weather in a given location",
           "input_schema":{"type":"object","properties":{
             "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
             "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
           "required":["location"]}}]}
        """;

    [Fact]
    public async Task Should_refuse_in_anthropics_error_shape_with_anthropics_error_types()
    {
        using var http = WireClient(Server.Client.BaseAddress!, Secret);
        using var stranger = WireClient(Server.Client.BaseAddress!, "sk-gw-not-a-key");
        var noMaxTokens = await PostAsync(http, "/v1/messages", """{"model":"fake:gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");
        var unknownModel = await PostAsync(http, "/v1/messages", """{"model":"nobody:nothing","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");
        var unauthenticated = await PostAsync(stranger, "/v1/messages", """{"model":"fake:gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");
        var document = await PostAsync(http, "/v1/messages",
            """{"model":"fake:gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}}]}]}""");
        Upstream.Script("up-1", FakeOpenAIUpstream.Reply.Status(400, """{"error":{"message":"maximum context length is 8192 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}"""));
        var tooLong = await PostAsync(http, "/v1/messages", """{"model":"fake:gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, noMaxTokens.StatusCode);
        Assert.Equal("""{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens is required (a positive integer)"}}""", (await JsonAsync(noMaxTokens)).ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
        Assert.Equal("not_found_error", (string?)(await JsonAsync(unknownModel))["error"]!["type"]);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("authentication_error", (string?)(await JsonAsync(unauthenticated))["error"]!["type"]);
        Assert.Equal(HttpStatusCode.BadRequest, document.StatusCode);
        Assert.Equal("messages[0].content[0]: blocks of type 'document' cannot be sent to this model (text, image, tool_use and tool_result can)", (string?)(await JsonAsync(document))["error"]!["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("""{"type":"error","error":{"type":"invalid_request_error","message":"maximum context length is 8192 tokens"}}""", (await JsonAsync(tooLong)).ToJsonString());
    }

    [Fact]
    public async Task Should_answer_429_rate_limit_error_with_retry_after_when_every_upstream_key_is_limited()
    {
        foreach (var key in (string[])["up-1", "up-2", "up-3"])
            Upstream.Script(key, FakeOpenAIUpstream.Reply.RateLimited(30));
        using var http = WireClient(Server.Client.BaseAddress!, Secret);

        var limited = await PostAsync(http, "/v1/messages", """{"model":"fake:gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 29, 30);
        Assert.Equal("rate_limit_error", (string?)(await JsonAsync(limited))["error"]!["type"]);
        Assert.Equal(["up-1", "up-2", "up-3"], Upstream.KeysUsed.Order());
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(429, (int)record["status"]!);
        Assert.Equal("anthropic", (string?)record["dialect"]);
    }
}
