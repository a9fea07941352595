using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// Real 40 MiB request bodies against the default 32 MiB limit, sent through HttpClient with a known
/// Content-Length and chunked: each client reads a 413 in its dialect naming the limit, never a reset
/// connection, and the gateway goes on serving on the same clients.
/// </summary>
public sealed class OversizeBodyTests(PostgresFixture postgres) : EveryDialectTestBase(postgres)
{
    private const int FortyMiB = 40 * 1024 * 1024;

    [Fact]
    public async Task Should_answer_a_40_mib_body_with_413_in_the_callers_dialect_rather_than_a_reset()
    {
        var ct = TestContext.Current.CancellationToken;
        var targets = new (HttpClient Client, string Path, string Body, Func<JsonObject, bool> InDialect)[]
        {
            (OpenAIClient, "/v1/chat/completions", $$"""{"model":"{{OpenAIModel}}","messages":[{"role":"user","content":"hi"}]}""",
                a => (string?)a["error"]!["code"] == "request_too_large" && (string?)a["error"]!["type"] == "invalid_request_error"),
            (AnthropicClient, "/v1/messages", $$"""{"model":"{{ClaudeModel}}","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""",
                a => (string?)a["type"] == "error" && (string?)a["error"]!["type"] == "request_too_large"),
            (GeminiClient, $"/v1beta/models/{GeminiModel}:generateContent", """{"contents":[{"parts":[{"text":"hi"}]}]}""",
                a => (int?)a["error"]!["code"] == 413 && (string?)a["error"]!["status"] == "INVALID_ARGUMENT"),
        };

        foreach (var (client, path, body, inDialect) in targets)
        {
            foreach (var chunked in new[] { false, true })
            {
                var clock = Stopwatch.StartNew();
                using var response = await client.SendAsync(Oversize(path, body, chunked), ct);
                var answer = await WireJson.JsonAsync(response);
                TestContext.Current.TestOutputHelper?.WriteLine($"{path} chunked={chunked}: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");

                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                Assert.True(inDialect(answer), answer.ToJsonString());
                Assert.Contains("larger than 32 MiB", answer.ToJsonString(), StringComparison.Ordinal);
            }

            using var served = await WireJson.PostAsync(client, path, body);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        Assert.Equal((1, 1, 1), (OpenAIUpstream.Requests.Count, ClaudeUpstream.Requests.Count, GeminiUpstream.Requests.Count));
        Assert.Equal(HttpStatusCode.OK, (await Server.Client.GetAsync("/health/liveness", ct)).StatusCode);
    }

    [Fact]
    public async Task Should_answer_a_40_mib_management_body_with_413_problem_json()
    {
        using var http = new HttpClient { BaseAddress = Server.Client.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayServer.AdminToken);

        using var response = await http.SendAsync(Oversize("/v1/organizations", """{"name":"big"}""", chunked: true), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("the request body is larger than 65536 bytes, the limit for management requests", (string?)(await WireJson.JsonAsync(response))["detail"]);
    }

    /// <summary>The body padded to 40 MiB with a field the API would otherwise pass through.</summary>
    private static HttpRequestMessage Oversize(string path, string body, bool chunked)
    {
        var padded = JsonNode.Parse(body)!.AsObject();
        padded["padding"] = new string('x', FortyMiB);
        var bytes = Encoding.UTF8.GetBytes(padded.ToJsonString());
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        return request;
    }
}
