using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Pricing;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Features.Pricing;

/// <summary>Cache-write prices from every source (shipped, the config file, the API), kept through the prices table and answered by /v1/pricing.</summary>
public sealed class PricingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private GatewayServer _server = null!;
    private TenancyApi _admin = null!;

    /// <summary>The config file's pricing section, flattened.</summary>
    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["pricing:0:model"] = "claude:claude-opus-4-1",
        ["pricing:0:input_per_million"] = "12",
        ["pricing:0:output_per_million"] = "60",
        ["pricing:0:cached_input_per_million"] = "1.2",
        ["pricing:0:cache_write_per_million"] = "15",
        ["pricing:0:cache_write_1h_per_million"] = "24",
        ["pricing:1:model"] = "groq:llama-3.1-8b-instant",
        ["pricing:1:input_per_million"] = "0.05",
        ["pricing:1:output_per_million"] = "0.08",
    };

    public async ValueTask InitializeAsync()
    {
        _db = await postgres.NewDatabaseAsync(nameof(PricingTests));
        _server = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, Configured);
        _admin = TenancyApi.Admin(_server);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Should_answer_the_shipped_anthropic_cache_write_prices_and_the_config_files_with_null_where_none_is_set()
    {
        var prices = (await _admin.SendAsync(HttpMethod.Get, "/v1/pricing")).Content;
        var byModel = JsonNode.Parse(await prices.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray().ToDictionary(p => (string)p!["model"]!, p => p!.AsObject());

        Assert.Equal((3m, 3.75m, 6m, "shipped"), Prices(byModel["claude-sonnet-4-5"]));
        Assert.Equal((12m, 15m, 24m, "config"), Prices(byModel["claude:claude-opus-4-1"]));
        Assert.Null(byModel["groq:llama-3.1-8b-instant"]["cache_write_per_million"]);
        Assert.Null(byModel["groq:llama-3.1-8b-instant"]["cache_write_1h_per_million"]);
        Assert.Null(byModel["gpt-4o"]["cache_write_per_million"]);
    }

    [Fact]
    public async Task Should_keep_cache_write_prices_set_through_the_api_in_the_prices_table_for_every_instance()
    {
        var created = await _admin.OkAsync(HttpMethod.Post, "/v1/pricing", new
        {
            model = "claude:claude-haiku-4-5", input_per_million = 0.8m, output_per_million = 4, cached_input_per_million = 0.08m,
            cache_write_per_million = 1, cache_write_1h_per_million = 1.6m,
        }, HttpStatusCode.Created);
        await using var second = await GatewayServer.StartAsync(_db.ConnectionString, _db.Schema, Configured);
        using var onSecond = TenancyApi.Admin(second);
        var history = JsonNode.Parse(await (await onSecond.SendAsync(HttpMethod.Get, "/v1/pricing/history?model=claude:claude-haiku-4-5")).Content
            .ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();

        Assert.Equal((0.8m, 1m, 1.6m, "api"), Prices(created));
        Assert.Equal((0.8m, 1m, 1.6m, "api"), Prices(Assert.Single(history)!.AsObject()));
        Assert.Equal(1.6m, await _db.ScalarAsync<decimal>("select cache_write_1h_per_million from prices where model = 'claude:claude-haiku-4-5'"));
    }

    [Fact]
    public async Task Should_refuse_a_negative_cache_write_price_naming_the_field_and_store_nothing()
    {
        var refused = await _admin.SendAsync(HttpMethod.Post, "/v1/pricing", new
        {
            model = "claude:claude-haiku-4-5", input_per_million = 1, output_per_million = 5, cache_write_per_million = -1, cache_write_1h_per_million = -2,
        });
        var errors = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["cache_write_per_million", "cache_write_1h_per_million"], errors.Select(e => e.Key));
        Assert.Equal(0, await _db.ScalarAsync<long>("select count(*) from prices"));
    }

    [Theory]
    [InlineData("cache_write_per_million", "a lot", "pricing[0].cache_write_per_million 'a lot' must be a number of US dollars per million tokens, zero or more")]
    [InlineData("cache_write_1h_per_million", "-6", "pricing[0].cache_write_1h_per_million '-6' must be a number of US dollars per million tokens, zero or more")]
    public void Should_refuse_a_bad_cache_write_price_in_the_config_file_with_a_line_naming_it(string field, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["pricing:0:model"] = "claude-sonnet-4-5", ["pricing:0:input_per_million"] = "3", ["pricing:0:output_per_million"] = "15", [$"pricing:0:{field}"] = value,
        }).Build();

        Assert.Equal(message, Assert.Throws<SettingsException>(() => PricingSettings.FromConfiguration(configuration)).Message);
    }

    private static (decimal Input, decimal? Write, decimal? Write1h, string Source) Prices(JsonObject price) =>
        ((decimal)price["input_per_million"]!, (decimal?)price["cache_write_per_million"], (decimal?)price["cache_write_1h_per_million"], (string)price["source"]!);
}
