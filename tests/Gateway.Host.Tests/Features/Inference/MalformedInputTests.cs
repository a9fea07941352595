using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// Every class of malformed request, sent to every endpoint of every dialect, each routed to an upstream
/// of its own dialect (the passthrough, which does not read the body, so nothing but the validator stands
/// between bad input and an upstream key): each is refused with 400 (413 when oversize) in the dialect's
/// error shape naming the field, no upstream sees a request, nothing is recorded or charged, and the
/// gateway serves good requests afterwards.
/// </summary>
public sealed class MalformedInputTests(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    /// <summary>A small limit, so that an oversize body for each endpoint costs 1.5 MiB rather than 40.</summary>
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["max_request_body_mb"] = "1" };

    /// <summary>One endpoint as its dialect's clients call it, with a body it accepts.</summary>
    internal sealed record Endpoint(string Name, string Dialect, string Path, string Body);

    /// <summary>
    /// One malformed request: the raw body (null: the endpoint's good body changed at <see cref="Field"/> to
    /// <see cref="Value"/>), what the gateway must answer, and the field the answer must name.
    /// </summary>
    /// <param name="Path">Where the change is made, when it is not the field named (a whole message that lacks the field).</param>
    internal sealed record Case(
        Endpoint Endpoint, string Kind, string? Field, JsonNode? Value = null, string? Path = null, string? Raw = null, string ContentType = "application/json",
        int Status = 400, bool Chunked = false);

    private static readonly Endpoint Chat = new("chat", "openai", "/v1/chat/completions", $$"""{"model":"{{OpenAIModel}}","messages":[{"role":"user","content":"hi"}]}""");
    private static readonly Endpoint Embeddings = new("embeddings", "openai", "/v1/embeddings", $$"""{"model":"{{OpenAIModel}}","input":"hi"}""");
    private static readonly Endpoint Moderations = new("moderations", "openai", "/v1/moderations", $$"""{"model":"{{OpenAIModel}}","input":"hi"}""");
    private static readonly Endpoint Messages = new("messages", "anthropic", "/v1/messages", $$"""{"model":"{{ClaudeModel}}","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""");
    private static readonly Endpoint CountTokens = new("count_tokens", "anthropic", "/v1/messages/count_tokens", $$"""{"model":"{{ClaudeModel}}","messages":[{"role":"user","content":"hi"}]}""");
    private static readonly Endpoint Generate = new("generateContent", "gemini", $"/v1beta/models/{GeminiModel}:generateContent", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""");
    private static readonly Endpoint Stream = new("streamGenerateContent", "gemini", $"/v1beta/models/{GeminiModel}:streamGenerateContent?alt=sse", """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""");
    private static readonly Endpoint GeminiCount = new("countTokens", "gemini", $"/v1beta/models/{GeminiModel}:countTokens", """{"contents":[{"parts":[{"text":"hi"}]}]}""");
    private static readonly Endpoint Embed = new("embedContent", "gemini", $"/v1beta/models/{GeminiModel}:embedContent", """{"content":{"parts":[{"text":"hi"}]}}""");
    private static readonly Endpoint BatchEmbed = new("batchEmbedContents", "gemini", $"/v1beta/models/{GeminiModel}:batchEmbedContents",
        $$$"""{"requests":[{"model":"models/{{{GeminiModel}}}","content":{"parts":[{"text":"hi"}]}}]}""");

    private static readonly Endpoint[] All = [Chat, Embeddings, Moderations, Messages, CountTokens, Generate, Stream, GeminiCount, Embed, BatchEmbed];

    /// <summary>What every endpoint refuses alike: bodies that are not a JSON object, or not JSON, or too large.</summary>
    private static IEnumerable<Case> EveryEndpoint(Endpoint e) =>
    [
        new(e, "malformed JSON", null, Raw: """{"model": "x", "messages": """),
        new(e, "a property twice", null, Raw: """{"a": 1, "a": 2}"""),
        new(e, "not an object", null, Raw: "[1, 2]"),
        new(e, "a bare string", null, Raw: "\"hello\""),
        new(e, "empty body", null, Raw: ""),
        new(e, "wrong Content-Type", null, Raw: e.Body, ContentType: "text/plain"),
        new(e, "form Content-Type", null, Raw: e.Body, ContentType: "application/x-www-form-urlencoded"),
        new(e, "oversize, Content-Length known", null, Raw: Oversize(e), Status: 413),
        new(e, "oversize, chunked", null, Raw: Oversize(e), Status: 413, Chunked: true),
    ];

    private static IEnumerable<Case> FieldCases() =>
    [
        new(Chat, "model of the wrong type", "model", 5),
        new(Chat, "no messages", "messages", Absent),
        new(Chat, "messages not an array", "messages", "hi"),
        new(Chat, "empty messages", "messages", new JsonArray()),
        new(Chat, "a message that is not an object", "messages[0]", "hi"),
        new(Chat, "unknown role", "messages[0].role", "robot"),
        new(Chat, "role of the wrong type", "messages[0].role", 1),
        new(Chat, "content of the wrong type", "messages[0].content", 42),
        new(Chat, "a user without content", "messages[0].content", Absent),
        new(Chat, "unknown content part type", "messages[0].content[0].type", Parse("""[{"type":"video","video":{}}]"""), Path: "messages[0].content"),
        new(Chat, "text part without text", "messages[0].content[0].text", Parse("""[{"type":"text"}]"""), Path: "messages[0].content"),
        new(Chat, "image part with a string", "messages[0].content[0].image_url", Parse("""[{"type":"image_url","image_url":5}]"""), Path: "messages[0].content"),
        new(Chat, "a tool message without tool_call_id", "messages[0].tool_call_id", Parse("""[{"role":"tool","content":"42"}]"""), Path: "messages"),
        new(Chat, "an assistant tool call without arguments", "messages[0].tool_calls[0].function.arguments",
            Parse("""[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f"}}]}]"""), Path: "messages"),
        new(Chat, "an assistant without content or calls", "messages[0].content", Parse("""[{"role":"assistant"}]"""), Path: "messages"),
        new(Chat, "max_tokens a word", "max_tokens", "lots"),
        new(Chat, "max_tokens zero", "max_tokens", 0),
        new(Chat, "max_tokens a fraction", "max_tokens", 10.5),
        new(Chat, "max_tokens beyond an int", "max_tokens", 99_999_999_999L),
        new(Chat, "max_completion_tokens negative", "max_completion_tokens", -3),
        new(Chat, "n zero", "n", 0),
        new(Chat, "stream a string", "stream", "yes"),
        new(Chat, "stream a number", "stream", 1),
        new(Chat, "stream_options a string", "stream_options", "usage"),
        new(Chat, "include_usage a string", "stream_options.include_usage", "true"),
        new(Chat, "temperature out of range", "temperature", 3),
        new(Chat, "temperature a string", "temperature", "hot"),
        new(Chat, "top_p out of range", "top_p", 1.5),
        new(Chat, "stop a number", "stop", 7),
        new(Chat, "parallel_tool_calls a string", "parallel_tool_calls", "no"),
        new(Chat, "user a number", "user", 12),
        new(Chat, "tools not an array", "tools", "all"),
        new(Chat, "a function tool without a name", "tools[0].function.name", Parse("""[{"type":"function","function":{"description":"d"}}]"""), Path: "tools"),
        new(Chat, "tool_choice unknown", "tool_choice", "sometimes"),
        new(Chat, "tool_choice function without a name", "tool_choice.function.name", Parse("""{"type":"function","function":{}}"""), Path: "tool_choice"),
        new(Chat, "response_format unknown", "response_format.type", Parse("""{"type":"xml"}"""), Path: "response_format"),
        new(Chat, "json_schema without its schema object", "response_format.json_schema", Parse("""{"type":"json_schema"}"""), Path: "response_format"),
        new(Embeddings, "no input", "input", Absent),
        new(Embeddings, "input a number", "input", 5),
        new(Embeddings, "input empty", "input", new JsonArray()),
        new(Embeddings, "input an empty string", "input", ""),
        new(Embeddings, "input strings and numbers", "input[1]", Parse("""["a", 1]"""), Path: "input"),
        new(Embeddings, "dimensions a word", "dimensions", "big"),
        new(Embeddings, "encoding_format unknown", "encoding_format", "hex"),
        new(Moderations, "no input", "input", Absent),
        new(Moderations, "input a number", "input", 5),
        new(Moderations, "input part of an unknown type", "input[0].type", Parse("""[{"type":"video"}]"""), Path: "input"),
        new(Messages, "no max_tokens", "max_tokens", Absent),
        new(Messages, "max_tokens a word", "max_tokens", "lots"),
        new(Messages, "max_tokens zero", "max_tokens", 0),
        new(Messages, "no messages", "messages", Absent),
        new(Messages, "a system role in messages", "messages[0].role", "system"),
        new(Messages, "content a number", "messages[0].content", 5),
        new(Messages, "unknown block type", "messages[0].content[0].type", Parse("""[{"type":"banana"}]"""), Path: "messages[0].content"),
        new(Messages, "text block without text", "messages[0].content[0].text", Parse("""[{"type":"text","text":5}]"""), Path: "messages[0].content"),
        new(Messages, "image of an unknown source", "messages[0].content[0].source.type", Parse("""[{"type":"image","source":{"type":"ftp"}}]"""), Path: "messages[0].content"),
        new(Messages, "tool_use without input", "messages[0].content[0].input", Parse("""[{"type":"tool_use","id":"t","name":"f"}]"""), Path: "messages[0].content"),
        new(Messages, "tool_result without its id", "messages[0].content[0].tool_use_id", Parse("""[{"type":"tool_result","content":"x"}]"""), Path: "messages[0].content"),
        new(Messages, "system a number", "system", 5),
        new(Messages, "system of image blocks", "system[0].type", Parse("""[{"type":"image","text":"x"}]"""), Path: "system"),
        new(Messages, "stream a string", "stream", "true"),
        new(Messages, "temperature above 1", "temperature", 1.5),
        new(Messages, "top_p a string", "top_p", "x"),
        new(Messages, "top_k negative", "top_k", -1),
        new(Messages, "stop_sequences a string", "stop_sequences", "END"),
        new(Messages, "a custom tool without input_schema", "tools[0].input_schema", Parse("""[{"name":"f"}]"""), Path: "tools"),
        new(Messages, "tool_choice unknown", "tool_choice.type", Parse("""{"type":"maybe"}"""), Path: "tool_choice"),
        new(Messages, "thinking budget too small", "thinking.budget_tokens", Parse("""{"type":"enabled","budget_tokens":10}"""), Path: "thinking"),
        new(Messages, "metadata a string", "metadata", "x"),
        new(CountTokens, "no messages", "messages", Absent),
        new(CountTokens, "unknown role", "messages[0].role", "tool"),
        new(CountTokens, "unknown block type", "messages[0].content[0].type", Parse("""[{"type":7}]"""), Path: "messages[0].content"),
        new(Generate, "no contents", "contents", Absent),
        new(Generate, "contents empty", "contents", new JsonArray()),
        new(Generate, "unknown role", "contents[0].role", "assistant"),
        new(Generate, "no parts", "contents[0].parts", Absent),
        new(Generate, "text a number", "contents[0].parts[0].text", 5),
        new(Generate, "inlineData without data", "contents[0].parts[0].inlineData.data", Parse("""{"mimeType":"image/png"}"""), Path: "contents[0].parts[0].inlineData"),
        new(Generate, "functionCall without a name", "contents[0].parts[0].functionCall.name", Parse("""{"args":{}}"""), Path: "contents[0].parts[0].functionCall"),
        new(Generate, "maxOutputTokens a word", "generationConfig.maxOutputTokens", "many"),
        new(Generate, "maxOutputTokens zero", "generationConfig.maxOutputTokens", 0),
        new(Generate, "temperature out of range", "generationConfig.temperature", 5),
        new(Generate, "topP a string", "generationConfig.topP", "x"),
        new(Generate, "topK negative", "generationConfig.topK", -2),
        new(Generate, "candidateCount zero", "generationConfig.candidateCount", 0),
        new(Generate, "stopSequences a string", "generationConfig.stopSequences", "END"),
        new(Generate, "responseMimeType a number", "generationConfig.responseMimeType", 5),
        new(Generate, "thinkingBudget a word", "generationConfig.thinkingConfig.thinkingBudget", "lots"),
        new(Generate, "generationConfig a string", "generationConfig", "fast"),
        new(Generate, "systemInstruction a string", "systemInstruction", "be brief"),
        new(Generate, "a declaration without a name", "tools[0].functionDeclarations[0].name", Parse("""[{"functionDeclarations":[{"description":"d"}]}]"""), Path: "tools"),
        new(Generate, "calling mode unknown", "toolConfig.functionCallingConfig.mode", "SOMETIMES"),
        new(Generate, "a safety setting without threshold", "safetySettings[0].threshold", Parse("""[{"category":"HARM_CATEGORY_HARASSMENT"}]"""), Path: "safetySettings"),
        new(Stream, "no contents", "contents", Absent),
        new(Stream, "maxOutputTokens a word", "generationConfig.maxOutputTokens", "many"),
        new(Stream, "unknown role", "contents[0].role", "system"),
        new(GeminiCount, "no contents", "contents", Absent),
        new(GeminiCount, "generateContentRequest a string", "generateContentRequest", "x"),
        new(Embed, "no content", "content", Absent),
        new(Embed, "parts a string", "content.parts", "hi"),
        new(Embed, "outputDimensionality a word", "outputDimensionality", "big"),
        new(BatchEmbed, "no requests", "requests", Absent),
        new(BatchEmbed, "a request without content", "requests[0].content", Absent),
    ];

    private static readonly JsonValue Absent = JsonValue.Create("(absent)");

    [Fact]
    public async Task Should_refuse_every_malformed_request_in_its_dialect_naming_the_field_without_reaching_an_upstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await Admin.OkAsync(HttpMethod.Post, "/v1/budgets", new { name = "all of it", org_id = OrgId, limit_usd = 100, period = "month" }, HttpStatusCode.Created);
        var cases = All.SelectMany(EveryEndpoint).Concat(FieldCases()).ToList();
        var wrong = new List<string>();

        foreach (var c in cases)
        {
            using var response = await SendAsync(c, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (Mismatch(c, response, text) is { } why)
                wrong.Add($"{c.Endpoint.Name}, {c.Kind}: {why} (got {(int)response.StatusCode} {text})");
        }

        Assert.Empty(wrong);
        Assert.Equal(193, cases.Count);
        Assert.Equal(0, UpstreamRequests);
        await Server.FlushUsageAsync();
        Assert.Equal(0, await Db.ScalarAsync<long>("select count(*) from usage_records"));
        Assert.Equal(0m, await Db.ScalarAsync<decimal>("select coalesce(sum(spent_usd), 0) from budget_periods"));

        Assert.Equal(HttpStatusCode.OK, (await Server.Client.GetAsync("/health/liveness", ct)).StatusCode);
        foreach (var good in new[] { Chat, Messages, Generate })
        {
            using var served = await SendAsync(new Case(good, "good", null, Raw: good.Body), ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        Assert.Equal((1, 1, 1), (OpenAIUpstream.Requests.Count, ClaudeUpstream.Requests.Count, GeminiUpstream.Requests.Count));
        await Server.FlushUsageAsync();
        Assert.Equal(3, await Db.ScalarAsync<long>("select count(*) from usage_records"));
        Assert.True(await Db.ScalarAsync<decimal>("select coalesce(sum(spent_usd), 0) from budget_periods") > 0m);
    }

    private Task<HttpResponseMessage> SendAsync(Case c, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(c.Raw ?? Changed(c));
        HttpContent content = c.Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(c.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, c.Endpoint.Path) { Content = content };
        request.Headers.TransferEncodingChunked = c.Chunked;
        var client = c.Endpoint.Dialect switch
        {
            "openai" => OpenAIClient,
            "anthropic" => AnthropicClient,
            _ => GeminiClient,
        };
        return client.SendAsync(request, ct);
    }

    /// <summary>Why the answer is not the refusal the case expects, or null when it is.</summary>
    private static string? Mismatch(Case c, HttpResponseMessage response, string text)
    {
        if ((int)response.StatusCode != c.Status)
            return $"expected {c.Status}";
        var body = JsonNode.Parse(text)!.AsObject();
        var error = body["error"] as JsonObject;
        var message = (string?)error?["message"] ?? "";
        switch (c.Endpoint.Dialect)
        {
            case "openai":
                if ((string?)error?["type"] != "invalid_request_error" || message.Length == 0)
                    return "not OpenAI's error shape";
                if ((string?)error["param"] != c.Field)
                    return $"param should be {c.Field ?? "null"}";
                break;
            case "anthropic":
                var type = c.Status == 413 ? "request_too_large" : "invalid_request_error";
                if ((string?)body["type"] != "error" || (string?)error?["type"] != type || message.Length == 0)
                    return "not Anthropic's error shape";
                if (c.Field is { } field && !message.Contains(field + " ", StringComparison.Ordinal))
                    return $"the message should name {field}";
                break;
            default:
                if ((int?)error?["code"] != c.Status || (string?)error?["status"] != "INVALID_ARGUMENT" || message.Length == 0)
                    return "not Google's error shape";
                var violations = error["details"]?[0]?["fieldViolations"]?.AsArray().Select(v => (string?)v!["field"]) ?? [];
                if (c.Field is { } named && !violations.Contains(named))
                    return $"the field violations should name {named}";
                break;
        }

        return c.Status == 413 && !message.Contains("1 MiB", StringComparison.Ordinal) ? "the message should name the limit" : null;
    }

    /// <summary>The endpoint's good body with the case's change made at its path.</summary>
    private static string Changed(Case c)
    {
        var body = JsonNode.Parse(c.Endpoint.Body)!.AsObject();
        var path = c.Path ?? c.Field!;
        var (parent, last) = Walk(body, path);
        if (ReferenceEquals(c.Value, Absent))
            Remove(parent, last);
        else
            Put(parent, last, c.Value?.DeepClone());
        return body.ToJsonString();
    }

    private static JsonNode? Parse(string json) => JsonNode.Parse(json);

    /// <summary>The node holding the path's last step (made on the way when missing), and that step.</summary>
    private static (JsonNode Parent, string Last) Walk(JsonObject body, string path)
    {
        var steps = Regex.Matches(path, @"[^.\[\]]+").Select(m => m.Value).ToList();
        JsonNode node = body;
        foreach (var step in steps[..^1])
            node = (node is JsonArray array ? array[int.Parse(step, CultureInfo.InvariantCulture)] : node[step]) ?? (node[step] = new JsonObject())!;
        return (node, steps[^1]);
    }

    private static void Put(JsonNode parent, string step, JsonNode? value)
    {
        if (parent is JsonArray array)
            array[int.Parse(step, CultureInfo.InvariantCulture)] = value;
        else
            parent[step] = value;
    }

    private static void Remove(JsonNode parent, string step)
    {
        if (parent is JsonArray array)
            array.RemoveAt(int.Parse(step, CultureInfo.InvariantCulture));
        else
            parent.AsObject().Remove(step);
    }

    /// <summary>A body of the endpoint's dialect half again the test's 1 MiB limit, valid but for its size.</summary>
    private static string Oversize(Endpoint e)
    {
        var body = JsonNode.Parse(e.Body)!.AsObject();
        body["padding"] = new string('x', 1536 * 1024);
        return body.ToJsonString();
    }
}
