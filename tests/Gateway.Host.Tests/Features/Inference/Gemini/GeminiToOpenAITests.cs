using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Fakes;
using Gateway.Host.Tests.Features.Budgets;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Inference.Gemini.GeminiWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference.Gemini;

/// <summary>Gemini SDK clients (native REST) reaching an OpenAI-compatible upstream, translated through the canonical model.</summary>
public sealed class GeminiToOpenAITests(PostgresFixture postgres) : BudgetTestBase(postgres)
{
    private const string Hello = """{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"generationConfig":{"maxOutputTokens":100,"temperature":0.5}}""";

    [Fact]
    public async Task Should_answer_generate_content_from_an_openai_compatible_upstream_and_record_it_as_the_gemini_dialect()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", Hello);
        var answer = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var candidate = answer["candidates"]![0]!;
        Assert.Equal("""{"role":"model","parts":[{"text":"Hello from the fake upstream"}]}""", candidate["content"]!.ToJsonString());
        Assert.Equal("STOP", (string?)candidate["finishReason"]);
        Assert.Equal("""{"promptTokenCount":12,"candidatesTokenCount":7,"totalTokenCount":19,"cachedContentTokenCount":3}""", answer["usageMetadata"]!.ToJsonString());
        Assert.Equal("fake:gpt-4o-mini", (string?)answer["modelVersion"]);
        var sent = Assert.Single(Upstream.Requests).Body;
        Assert.Equal("""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],"max_tokens":100,"temperature":0.5}""", sent.ToJsonString());
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(("gemini", "/v1beta/models:generateContent", "fake:gpt-4o-mini", 200, 12, 7), ((string?)record["dialect"], (string?)record["endpoint"],
            (string?)record["requested_model"], (int)record["status"]!, (int)record["prompt_tokens"]!, (int)record["completion_tokens"]!));
    }

    [Fact]
    public async Task Should_stream_gemini_sse_chunks_from_openai_chunks_with_the_finish_and_usage_in_the_last()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:streamGenerateContent?alt=sse", Hello);
        var chunks = await ChunksAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Hello from the fake upstream", Text(chunks));
        Assert.All(chunks[..^1], c => Assert.Null(c["candidates"]![0]!["finishReason"]));
        Assert.All(chunks[..^1], c => Assert.Null(c["usageMetadata"]));
        Assert.Equal("STOP", (string?)chunks[^1]["candidates"]![0]!["finishReason"]);
        Assert.Equal(17, (int)chunks[^1]["usageMetadata"]!["totalTokenCount"]!);
        Assert.True((bool)Assert.Single(Upstream.Requests).Body["stream"]!);
        var record = (await LastUsageRecordAsync())!;
        Assert.Equal(("/v1beta/models:streamGenerateContent", true, 12, 5), ((string?)record["endpoint"], (bool)record["stream"]!, (int)record["prompt_tokens"]!, (int)record["completion_tokens"]!));
    }

    [Fact]
    public async Task Should_stream_one_json_array_when_the_client_does_not_ask_for_sse()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1/models/fake:gpt-4o-mini:streamGenerateContent", Hello);
        var chunks = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray().Select(c => c!.AsObject()).ToList();

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Hello from the fake upstream", Text(chunks));
        Assert.Equal("STOP", (string?)chunks[^1]["candidates"]![0]!["finishReason"]);
    }

    [Fact]
    public async Task Should_count_tokens_for_an_openai_model_with_its_tokenizer_and_estimate_for_other_models()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var response = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:countTokens", """{"contents":[{"role":"user","parts":[{"text":"How many tokens is this sentence here?"}]}]}""");
        var weather = await PostAsync(http, "/v1beta/models/fake:gpt-4o:countTokens", WeatherCount);
        var other = await PostAsync(http, "/v1beta/models/backup:backup-model:countTokens", """{"contents":[{"role":"user","parts":[{"text":"How many tokens is this sentence here?"}]}]}""");

        // o200k_base: 3 for the message, "user" 1, the sentence 8, and 3 to prime the reply.
        Assert.Equal("tokenized", response.Headers.GetValues("x-gateway-token-count").Single());
        Assert.Equal("""{"totalTokens":15}""", (await JsonAsync(response)).ToJsonString());
        // OpenAI's cookbook example with a tool, for which the API itself counted 101 on gpt-4o.
        Assert.Equal("""{"totalTokens":101}""", (await JsonAsync(weather)).ToJsonString());
        Assert.Equal("estimated", other.Headers.GetValues("x-gateway-token-count").Single());
        Assert.Equal("""{"totalTokens":10}""", (await JsonAsync(other)).ToJsonString());
        Assert.Empty(Upstream.Requests);
        Assert.Empty(Backup.Requests);
        Assert.Null(await UsageRecords.LastAsync(Server, Db));
    }

    /// <summary>OpenAI's cookbook example with a tool ("How to count tokens with tiktoken"), in Gemini's shape.</summary>
    private const string WeatherCount = """
        {"systemInstruction":{"parts":[{"text":"You are a helpful assistant that can answer to questions about the weather."}]},
         "contents":[{"role":"user","parts":[{"text":"What's the weather like in San Francisco?"}]}],
         "tools":[{"functionDeclarations":[{"name":"get_current_weather","description":"Get the current weather in a given location",
           "parametersJsonSchema":{"type":"object","properties":{
             "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
             "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
           "required":["location"]}}]}]}
        """;

    [Fact]
    public async Task Should_return_reasoning_content_as_thought_parts_when_the_client_set_include_thoughts()
    {
        foreach (var key in new[] { "up-1", "up-2", "up-3" })
            Upstream.Script(key, FakeOpenAIUpstream.Reply.Reasoning("Six times seven."), FakeOpenAIUpstream.Reply.Reasoning("Six times seven."));
        using var http = Client(Server.Client.BaseAddress!, Secret);
        const string Thinking = """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}}""";

        var answer = await JsonAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", Thinking));
        var chunks = await ChunksAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:streamGenerateContent?alt=sse", Thinking));

        Assert.Equal(
            """{"role":"model","parts":[{"text":"Six times seven.","thought":true},{"text":"Hello from the fake upstream"}]}""",
            answer["candidates"]![0]!["content"]!.ToJsonString());
        Assert.Equal("""{"role":"model","parts":[{"text":"Six times seven.","thought":true}]}""", chunks[0]["candidates"]![0]!["content"]!.ToJsonString());
        Assert.Equal("Six times seven.Hello from the fake upstream", Text(chunks));
        Assert.All(Upstream.Requests, r => Assert.Equal("low", (string?)r.Body["reasoning_effort"]));
    }

    [Fact]
    public async Task Should_leave_reasoning_out_when_the_client_did_not_set_include_thoughts()
    {
        foreach (var key in new[] { "up-1", "up-2", "up-3" })
            Upstream.Script(key, FakeOpenAIUpstream.Reply.Reasoning("Six times seven."));
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var answer = await JsonAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent",
            """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":1024}}}"""));

        Assert.Equal("""{"role":"model","parts":[{"text":"Hello from the fake upstream"}]}""", answer["candidates"]![0]!["content"]!.ToJsonString());
    }

    [Fact]
    public async Task Should_carry_a_function_call_and_its_response_across_the_translation()
    {
        foreach (var key in new[] { "up-1", "up-2", "up-3" })
            Upstream.Script(key, FakeOpenAIUpstream.Reply.ToolCall("weather", """{"city":"Oslo"}"""));
        using var http = Client(Server.Client.BaseAddress!, Secret);
        const string Tools = """ "tools":[{"functionDeclarations":[{"name":"weather","description":"Weather now","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}}]}] """;

        var first = await JsonAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent",
            $$"""{"contents":[{"role":"user","parts":[{"text":"Weather in Oslo?"}]}],{{Tools}}}"""));
        Assert.True(first.ContainsKey("candidates"), first.ToJsonString());
        var call = first["candidates"]![0]!["content"]!["parts"]![0]!["functionCall"]!;
        var second = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent",
            """{"contents":[{"role":"user","parts":[{"text":"Weather in Oslo?"}]},{"role":"model","parts":[{"functionCall":""" + call.ToJsonString()
            + """}]},{"role":"user","parts":[{"functionResponse":{"id":""" + call["id"]!.ToJsonString()
            + ""","name":"weather","response":{"temperature":"-3 C"}}}]}],""" + Tools + "}");

        Assert.Equal("weather", (string?)call["name"]);
        Assert.Equal("""{"city":"Oslo"}""", call["args"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var messages = Upstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal("""[{"type":"function","function":{"name":"weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""",
            Upstream.Requests.First().Body["tools"]!.ToJsonString());
        Assert.Equal((string?)call["id"], (string?)messages[1]!["tool_calls"]![0]!["id"]);
        Assert.Equal(("tool", (string?)call["id"], """{"temperature":"-3 C"}"""), ((string?)messages[2]!["role"], (string?)messages[2]!["tool_call_id"], (string?)messages[2]!["content"]));
    }

    [Fact]
    public async Task Should_take_the_model_in_the_path_however_an_sdk_writes_it()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        // provider:model as it is and URL-escaped, provider/model with the slash as it is (the catch-all route) and
        // escaped, a bare name, an alias under /v1.
        foreach (var path in new[]
        {
            "/v1beta/models/fake:gpt-4o-mini:generateContent", "/v1beta/models/fake%3Agpt-4o-mini:generateContent",
            "/v1beta/models/fake/gpt-4o-mini:generateContent", "/v1beta/models/fake%2Fgpt-4o-mini:generateContent",
            "/v1beta/models/gpt-4o-mini:generateContent", "/v1/models/smart:generateContent", "/v1beta/models/fake/gpt-4o-mini:countTokens",
        })
        {
            var response = await PostAsync(http, path, Hello);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        Assert.Equal(["gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o"], Upstream.Requests.Select(r => (string?)r.Body["model"]));
    }

    [Fact]
    public async Task Should_refuse_in_googles_error_shape()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var empty = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", """{"contents":[]}""");
        var unknownModel = await PostAsync(http, "/v1beta/models/nope:generateContent", Hello);
        var unknownMethod = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:predict", Hello);
        var unmappable = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", """{"contents":[{"parts":[{"text":"hi"}]}],"cachedContent":"cachedContents/abc"}""");
        using var anonymous = Client(Server.Client.BaseAddress!, "gw_not-a-key");
        var unauthenticated = await PostAsync(anonymous, "/v1beta/models/fake:gpt-4o-mini:generateContent", Hello);

        foreach (var (response, status, google) in new[]
        {
            (empty, 400, "INVALID_ARGUMENT"), (unknownModel, 404, "NOT_FOUND"), (unknownMethod, 404, "NOT_FOUND"), (unmappable, 400, "INVALID_ARGUMENT"), (unauthenticated, 401, "UNAUTHENTICATED"),
        })
        {
            var error = (await JsonAsync(response))["error"]!;
            Assert.Equal((status, status, google), ((int)response.StatusCode, (int)error["code"]!, (string?)error["status"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        }

        Assert.Contains("cachedContent", (string?)(await JsonAsync(unmappable))["error"]!["message"], StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task Should_hold_budgets_with_max_output_tokens_as_the_worst_case_and_refuse_in_googles_shape()
    {
        await PriceAndBudgetAsync(new { name = "team", org_id = OrgId, limit_usd = 10, period = "month" });
        using var http = Client(Server.Client.BaseAddress!, Secret);
        const string SevenDollars = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":7}}""";

        var first = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", SevenDollars);
        var second = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:generateContent", SevenDollars);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.StatusCode);
        Assert.Contains("budget 'team'", (string?)(await JsonAsync(second))["error"]!["message"], StringComparison.Ordinal);
        await UsageRecords.LastAsync(Server, Db);
        Assert.Equal(7m, await Db.ScalarAsync<decimal>("select spent_usd from budget_periods"));
    }

    [Fact]
    public async Task Should_embed_through_an_openai_compatible_embeddings_api_and_answer_in_geminis_shape()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var one = await JsonAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:embedContent",
            """{"content":{"parts":[{"text":"key "},{"text":"rotation"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":3}"""));
        var batch = await JsonAsync(await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:batchEmbedContents",
            """{"requests":[{"model":"models/fake:gpt-4o-mini","content":{"parts":[{"text":"a"}]}},{"model":"models/fake:gpt-4o-mini","content":{"parts":[{"text":"b"}]}}]}"""));
        var image = await PostAsync(http, "/v1beta/models/fake:gpt-4o-mini:embedContent", """{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}""");

        Assert.Equal("""{"embedding":{"values":[0.125,-0.25,0.5]}}""", one.ToJsonString());
        Assert.Equal("""{"embeddings":[{"values":[0.125,-0.25,0.5]},{"values":[0.125,-0.25,0.5]}]}""", batch.ToJsonString());
        Assert.Equal(
            ["""{"model":"gpt-4o-mini","input":["key rotation"],"encoding_format":"float","dimensions":3}""", """{"model":"gpt-4o-mini","input":["a","b"],"encoding_format":"float"}"""],
            Upstream.Requests.Select(r => r.Body.ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, image.StatusCode);
        var record = (await UsageRecords.LastAsync(Server, Db))!;
        Assert.Equal(("/v1beta/models:batchEmbedContents", 8, false), ((string?)record["endpoint"], (int)record["prompt_tokens"]!, (bool)record["usage_estimated"]!));
    }

    [Fact]
    public async Task Should_list_the_models_the_key_may_use_in_geminis_format()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);

        var list = await JsonAsync(await http.GetAsync("/v1beta/models", TestContext.Current.CancellationToken));
        var one = await http.GetAsync("/v1beta/models/fake:gpt-4o-mini", TestContext.Current.CancellationToken);
        var missing = await http.GetAsync("/v1beta/models/nope", TestContext.Current.CancellationToken);

        Assert.Contains("models/fake:gpt-4o-mini", list["models"]!.AsArray().Select(m => (string?)m!["name"]));
        Assert.Equal("""{"name":"models/fake:gpt-4o-mini","baseModelId":"fake:gpt-4o-mini","displayName":"gpt-4o-mini","supportedGenerationMethods":["generateContent","streamGenerateContent","countTokens"]}""",
            (await JsonAsync(one)).ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
