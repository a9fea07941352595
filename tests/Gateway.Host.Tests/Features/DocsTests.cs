using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Gateway.Host.Cli;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features;

public sealed class DocsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private GatewayServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await postgres.NewDatabaseAsync(nameof(DocsTests));
        _server = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Should_serve_the_same_openapi_document_that_is_committed_in_docs()
    {
        var served = JsonNode.Parse(await _server.Client.GetStringAsync("/openapi.json", TestContext.Current.CancellationToken));
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryFiles.PathOf("docs/openapi.json"), TestContext.Current.CancellationToken));
        var generated = JsonNode.Parse(await OpenApiCommand.GenerateAsync(TestContext.Current.CancellationToken));

        Assert.True(JsonNode.DeepEquals(served, generated), "/openapi.json differs from `gateway openapi`");
        Assert.True(JsonNode.DeepEquals(committed, generated), "docs/openapi.json is stale: run `gateway openapi`");
    }

    [Fact]
    public async Task Should_give_every_operation_a_stable_id_a_tag_and_an_error_response()
    {
        var document = JsonNode.Parse(await _server.Client.GetStringAsync("/openapi.json", TestContext.Current.CancellationToken))!;
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!)).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, op =>
        {
            Assert.False(string.IsNullOrEmpty((string?)op["operationId"]));
            Assert.NotEmpty(op["tags"]!.AsArray());
            Assert.NotNull(op["responses"]!["500"]);
        });
        Assert.Equal(operations.Count, operations.Select(o => (string?)o["operationId"]).Distinct().Count());
        Assert.NotNull(document["components"]!["schemas"]!["ProblemDetails"]);
    }

    [Fact]
    public async Task Should_give_request_bodies_examples_and_authenticated_operations_their_key_schemes()
    {
        var document = JsonNode.Parse(await _server.Client.GetStringAsync("/openapi.json", TestContext.Current.CancellationToken))!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Operation: o.Value!)))
            .ToList();

        foreach (var (path, op) in operations.Where(o => o.Operation["requestBody"] is not null))
        {
            var reference = (string)op["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!;
            Assert.True(schemas[reference.Split('/')[^1]]!["examples"] is JsonArray { Count: > 0 }, $"{path}: request schema {reference} has no example");
        }

        Assert.All(operations.Where(o => o.Path.StartsWith("/v1/", StringComparison.Ordinal)), o =>
            Assert.Equal(["bearer", "x-api-key", "x-goog-api-key", "key"], o.Operation["security"]!.AsArray().Select(r => r!.AsObject().Single().Key)));
        // Said explicitly ("no key"), so that generators and linters do not take it for a forgotten requirement.
        Assert.All(operations.Where(o => o.Path.StartsWith("/health", StringComparison.Ordinal)), o => Assert.Empty(o.Operation["security"]!.AsArray()));
        Assert.All(operations.Where(o => !o.Path.StartsWith("/health", StringComparison.Ordinal)), o =>
            Assert.Equal("#/components/responses/KeyRefused", (string?)o.Operation["responses"]!["401"]!["$ref"]));
    }

    [Fact]
    public async Task Should_have_no_two_paths_that_differ_only_in_their_parameter_names()
    {
        var document = await DocumentAsync();

        // Kiota's rule ("the path signature MUST be unique"): paths equal once each {parameter} is {} collide.
        var collisions = document["paths"]!.AsObject().Select(p => p.Key)
            .GroupBy(path => Regex.Replace(path, "{[^}]*}", "{}"))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" and ", g));
        Assert.Empty(collisions);
    }

    [Fact]
    public async Task Should_describe_each_gemini_model_method_as_its_own_operation_under_v1beta_and_v1()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();

        foreach (var version in new[] { "v1beta", "v1" })
        {
            foreach (var (method, request, response) in new[]
            {
                ("generateContent", "GenerateContentRequest", "GenerateContentResponse"),
                ("streamGenerateContent", "GenerateContentRequest", "GenerateContentResponse"),
                ("countTokens", "CountTokensRequest", "CountTokensResponse"),
                ("embedContent", "EmbedContentRequest", "EmbedContentResponse"),
                ("batchEmbedContents", "BatchEmbedContentsRequest", "BatchEmbedContentsResponse"),
            })
            {
                var path = $"/{version}/models/{{model}}:{method}";
                var operation = paths[path]?["post"];
                Assert.True(operation is not null, $"{path} is not in the document");
                Assert.Equal("gemini" + char.ToUpperInvariant(method[0]) + method[1..] + (version == "v1" ? "V1" : ""), (string?)operation!["operationId"]);
                Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]));
                Assert.Equal($"#/components/schemas/{request}", (string?)operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
                Assert.Contains($"#/components/schemas/{response}", operation["responses"]!["200"]!.ToJsonString(), StringComparison.Ordinal);
                foreach (var status in new[] { "400", "404", "429" })
                    Assert.Equal("#/components/schemas/GoogleError", (string?)operation["responses"]![status]!["content"]!["application/json"]!["schema"]!["$ref"]);
            }
        }

        var stream = paths["/v1beta/models/{model}:streamGenerateContent"]!["post"]!;
        Assert.Equal(["application/json", "text/event-stream"], stream["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Contains(stream["parameters"]!.AsArray(), p => (string?)p!["name"] == "alt" && (string?)p["in"] == "query");
        Assert.Contains("baseModelId", document["components"]!["schemas"]!["GeminiModel"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("systemInstruction", document["components"]!["schemas"]!["GenerateContentRequest"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Should_document_errors_in_the_dialect_of_each_inference_endpoint()
    {
        var document = await DocumentAsync();
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Operation: o.Value!)))
            .ToList();

        Assert.All(operations.Where(o => !o.Path.StartsWith("/health", StringComparison.Ordinal)), o =>
            Assert.Contains(o.Operation["responses"]!.AsObject(), r => r.Key.StartsWith('4')));
        foreach (var (path, schema) in new[]
        {
            ("/v1/chat/completions", "OpenAIError"), ("/v1/embeddings", "OpenAIError"), ("/v1/models/{id}", "OpenAIError"),
            ("/v1/messages", "AnthropicError"), ("/v1/messages/count_tokens", "AnthropicError"),
            ("/v1beta/models/{model}", "GoogleError"), ("/v1/models/{model}:generateContent", "GoogleError"),
        })
        {
            var operation = document["paths"]![path]!.AsObject().Single().Value!;
            Assert.Equal($"#/components/schemas/{schema}", (string?)operation["responses"]!["404"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        }

        var organizations = document["paths"]!["/v1/organizations"]!["post"]!["responses"]!;
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", (string?)organizations["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public async Task Should_give_every_tag_a_description_and_name_a_server_and_a_licence()
    {
        var document = await DocumentAsync();

        Assert.All(document["tags"]!.AsArray(), tag => Assert.False(string.IsNullOrWhiteSpace((string?)tag!["description"]), $"tag {tag!["name"]} has no description"));
        Assert.Equal("http://127.0.0.1:8080", (string?)Assert.Single(document["servers"]!.AsArray())!["url"]);
        Assert.NotNull(document["info"]!["license"]!["name"]);
    }

    private async Task<JsonNode> DocumentAsync() =>
        JsonNode.Parse(await _server.Client.GetStringAsync("/openapi.json", TestContext.Current.CancellationToken))!;

    [Fact]
    public async Task Should_serve_the_scalar_reference_page_and_its_bundle_without_a_cdn()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await _server.Client.GetAsync("/docs", ct);
        var html = await page.Content.ReadAsStringAsync(ct);
        var bundle = await _server.Client.GetAsync("/docs/scalar.js", ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/openapi.json", html, StringComparison.Ordinal);
        Assert.Contains("/docs/scalar.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType!.MediaType);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync(ct)).Length > 1_000_000);
    }
}
