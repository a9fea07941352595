using System.Diagnostics;
using System.Net;
using Gateway.Host.Features.Providers;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>Providers declared at run time: serving at once, on every instance, after restarts, and gone when removed.</summary>
public sealed class RuntimeProvidersTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string ExtraKey = "sk-extra-0123456789abcdef";

    private async Task DeclareExtraAsync()
    {
        await Admin.OkAsync(HttpMethod.Put, "/v1/providers/extra", new { type = "openai", base_url = Backup.BaseUrl.ToString(), models = new[] { "extra-model" } });
        await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "extra", key = ExtraKey, label = "extra" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Should_serve_a_provider_declared_at_run_time_with_a_key_added_at_run_time()
    {
        await DeclareExtraAsync();

        var response = await ChatAsync("extra:extra-model");
        var models = await Http.GetStringAsync("/v1/models", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExtraKey, Assert.Single(Backup.Requests).Key);
        Assert.Contains("extra:extra-model", models, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_apply_a_declared_provider_on_another_instance_within_two_seconds_and_after_a_restart()
    {
        await using (var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config))
        {
            using var onSecond = new HttpClient { BaseAddress = second.Client.BaseAddress };
            onSecond.DefaultRequestHeaders.Authorization = new("Bearer", Secret);
            await DeclareExtraAsync();
            var clock = Stopwatch.StartNew();
            await Eventually.Until(
                () => onSecond.GetStringAsync("/v1/models", TestContext.Current.CancellationToken),
                models => models.Contains("extra:extra-model", StringComparison.Ordinal), "the second instance to list the provider's model", TimeSpan.FromSeconds(10));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the second instance saw the provider after {clock.Elapsed}");
        }

        await using var restarted = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config);
        using var afterRestart = new HttpClient { BaseAddress = restarted.Client.BaseAddress };
        afterRestart.DefaultRequestHeaders.Authorization = new("Bearer", Secret);
        var served = await afterRestart.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"extra:extra-model","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(ExtraKey, Backup.Requests.Last().Key);
    }

    [Fact]
    public async Task Should_take_a_run_time_providers_timeouts_and_name_one_out_of_range()
    {
        await Admin.OkAsync(HttpMethod.Put, "/v1/providers/slow", new { type = "openai", base_url = Backup.BaseUrl.ToString(), timeout_seconds = 120, stream_idle_timeout_seconds = 7 });
        await Admin.OkAsync(HttpMethod.Put, "/v1/providers/plain", new { type = "openai", base_url = Backup.BaseUrl.ToString() });
        var bad = await Admin.SendAsync(HttpMethod.Put, "/v1/providers/other", new { type = "openai", stream_idle_timeout_seconds = 0 });

        var providers = Server.Services.GetRequiredService<ProviderRegistry>().Providers;
        Assert.Equal((TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(7)), (providers["slow"].Timeout, providers["slow"].StreamIdleTimeout));
        Assert.Equal((TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(60)), (providers["plain"].Timeout, providers["plain"].StreamIdleTimeout));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("stream_idle_timeout_seconds must be between 1 and 3600", await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_remove_a_run_time_provider_and_refuse_changes_to_configured_ones_or_bad_settings()
    {
        await DeclareExtraAsync();

        var removed = await Admin.SendAsync(HttpMethod.Delete, "/v1/providers/extra");
        var afterwards = await ChatAsync("extra:extra-model");
        var configured = await Admin.SendAsync(HttpMethod.Put, "/v1/providers/fake", new { type = "openai" });
        var bad = await Admin.SendAsync(HttpMethod.Put, "/v1/providers/other", new { type = "bard" });
        var (_, orgAdmin) = await Admin.IssueKeyAsync(new { user_id = await Admin.CreateUserAsync(OrgId, "admin"), name = "org admin" });
        var forbidden = await Admin.As(orgAdmin).SendAsync(HttpMethod.Put, "/v1/providers/mine", new { type = "openai" });

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("type must be openai, anthropic, gemini or mock", await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Should_pace_a_run_time_provider_by_its_limits_and_show_them_beside_the_counters()
    {
        await Admin.OkAsync(HttpMethod.Put, "/v1/providers/groq", new
        {
            type = "openai", base_url = Backup.BaseUrl.ToString(), models = new[] { "llama-3.1-8b-instant" },
            limits_table = "groq-free", model_limits = new Dictionary<string, object> { ["llama-3.1-8b-instant"] = new { rpm = 2 } },
        });
        await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "groq", key = ExtraKey, label = "free" }, HttpStatusCode.Created);
        var badTable = await Admin.SendAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "groq", key = ExtraKey + "x", limits_table = "paid" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await ChatAsync("groq:llama-3.1-8b-instant")).StatusCode);
        var detail = await Admin.OkAsync(HttpMethod.Get, "/v1/providers/groq");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, Backup.Requests.Count);
        Assert.Equal("groq-free", (string?)detail["provider"]!["limits_table"]);
        var key = detail["keys"]![0]!;
        Assert.Equal("groq-free", (string?)key["limits_table"]);
        var limits = key["quotas"]!["llama-3.1-8b-instant"]!["limits"]!;
        Assert.Equal(2, (int)limits["rpm"]!);
        Assert.Equal(14_400, (int)limits["rpd"]!);
        Assert.Equal(6_000, (int)limits["tpm"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badTable.StatusCode);
        Assert.Contains("limits_table", await badTable.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
