using System.Net;
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
        Assert.All(operations.Where(o => o.Path.StartsWith("/health", StringComparison.Ordinal)), o => Assert.Null(o.Operation["security"]));
    }

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
