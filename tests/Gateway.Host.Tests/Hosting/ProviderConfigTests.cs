using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Hosting;

/// <summary>Every documented provider setting binds from YAML, and every mistake is named.</summary>
public sealed class ProviderConfigTests
{
    private static readonly KeySecrets Secrets = new(new byte[32], "gwa_test");

    private static ProviderRegistry Load(string yaml, Dictionary<string, string?>? environment = null) =>
        ProviderRegistry.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(ConfigFile.Parse(yaml, "gateway.yaml", environment ?? [])).Build(), Secrets);

    [Fact]
    public void Should_bind_every_documented_setting_of_a_provider_and_its_keys()
    {
        var registry = Load("""
            providers:
              - name: gemini
                type: gemini
                base_url: https://generativelanguage.googleapis.com
                strategy: weighted_by_remaining
                models: [gemini-2.5-flash, gemini-2.5-pro]
                quota_groups: { flash: [gemini-2.5-flash, gemini-2.5-flash-lite] }
                model_limits: { gemini-2.5-pro: { rpm: 5, rpd: 100, tpm: 250000 } }
                concurrency_multipliers: { "0": 2.0 }
                timeout_seconds: 90
                stream_idle_timeout_seconds: 45
                max_attempts: 4
                headers: { X-Title: my-app }
                keys:
                  - { key: "${GEMINI_KEY_1}", label: personal, project: proj-a, priority: 0, max_concurrency: 3 }
                  - { key: "${GEMINI_KEY_2}", label: spare, project: proj-a, priority: 1, rpm: 10, rpd: 250 }
            aliases:
              flash: [gemini:gemini-2.5-flash]
              pro: gemini:gemini-2.5-pro
            """,
            new() { ["GEMINI_KEY_1"] = "AIzaSyExampleKeyNumberOne0000000001", ["GEMINI_KEY_2"] = "AIzaSyExampleKeyNumberTwo0000000002" });

        var gemini = registry.Providers["gemini"];
        Assert.Equal(ProviderKind.Gemini, gemini.Kind);
        Assert.Equal(SelectionStrategy.WeightedByRemaining, gemini.Pool.Options.Strategy);
        Assert.Equal("flash", gemini.Pool.Options.GroupOf("gemini-2.5-flash-lite"));
        Assert.Equal(new QuotaLimits(5, 100, 250000), gemini.Pool.Options.ModelLimits!["gemini-2.5-pro"]);
        Assert.Equal(2.0, gemini.Pool.Options.ConcurrencyMultipliers![0]);
        Assert.Equal(TimeSpan.FromSeconds(90), gemini.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(45), gemini.StreamIdleTimeout);
        Assert.Equal(4, gemini.MaxAttempts);
        Assert.Equal("my-app", gemini.Headers["X-Title"]);
        Assert.Equal(["personal", "spare"], gemini.Keys.Values.Select(k => k.Label).Order());
        Assert.Equal("0001", gemini.Keys.Values.Single(k => k.Label == "personal").LastFour);
        var status = gemini.Pool.Status(DateTimeOffset.UtcNow);
        Assert.All(status, s => Assert.Equal("project:proj-a", s.Scope));
        Assert.Equal([0, 1], status.Select(s => s.Priority).Order());
        Assert.Equal(["gemini:gemini-2.5-flash"], registry.Router.Resolve("flash").Targets.Select(t => t.ToString()));
        Assert.Equal(["gemini:gemini-2.5-pro"], registry.Router.Resolve("pro").Targets.Select(t => t.ToString()));
    }

    [Fact]
    public void Should_give_a_stream_a_minute_of_upstream_silence_and_an_answer_five_minutes_unless_told_otherwise()
    {
        var provider = Load("providers:\n  - { name: groq, type: openai }").Providers["groq"];

        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5)), (provider.StreamIdleTimeout, provider.Timeout));
    }

    [Fact]
    public void Should_count_a_key_listed_twice_once()
    {
        var registry = Load("""
            providers:
              - { name: groq, type: openai, base_url: "https://api.groq.com/openai/v1", keys: [{ key: gsk_same }, { key: gsk_same }] }
            """);

        Assert.Single(registry.Providers["groq"].Keys);
    }

    [Fact]
    public void Should_give_keys_the_providers_table_of_published_limits_unless_they_name_their_own()
    {
        var registry = Load("""
            providers:
              - name: gemini
                type: gemini
                limits_table: gemini-free
                model_limits: { gemini-2.5-pro: { rpd: 50 } }
                keys:
                  - { key: AIzaSyFreeKeyNumberOne000000000001, label: free }
                  - { key: AIzaSyPaidKeyNumberOne000000000001, label: paid, limits_table: none }
            """);

        var gemini = registry.Providers["gemini"];
        Assert.Equal("gemini-free", gemini.LimitsTable?.Name);
        var free = gemini.Keys.Values.Single(k => k.Label == "free").Id;
        var paid = gemini.Keys.Values.Single(k => k.Label == "paid").Id;
        var status = gemini.Pool.Status(DateTimeOffset.UtcNow).ToDictionary(s => s.KeyId);
        Assert.Equal("gemini-free", status[free].LimitsTable);
        Assert.Null(status[paid].LimitsTable);
        var freeKey = new PoolKey(free, Table: gemini.LimitsTable);
        Assert.Equal(new QuotaLimits(5, 50, 250_000), gemini.Pool.Options.LimitsFor(freeKey, "gemini-2.5-pro"));
    }

    [Fact]
    public void Should_ask_an_anthropic_provider_for_native_structured_outputs_unless_it_is_set_to_the_prompt()
    {
        var registry = Load("""
            providers:
              - { name: claude, type: anthropic }
              - { name: compat, type: anthropic, base_url: "https://llm.example.com", structured_outputs: prompt }
            """);

        Assert.Equal(StructuredOutputs.Native, registry.Providers["claude"].StructuredOutputs);
        Assert.Equal(StructuredOutputs.Prompt, registry.Providers["compat"].StructuredOutputs);
    }

    [Theory]
    [InlineData("providers:\n  - { name: x, type: anthropic, structured_outputs: sometimes }", "providers[0].structured_outputs must be native or prompt, not 'sometimes'")]
    [InlineData("providers:\n  - { name: x, type: gemini, structured_outputs: native }", "providers[0].structured_outputs applies only to anthropic providers")]
    [InlineData("providers:\n  - { name: x, type: openai, limits_table: openai-free }", "providers[0].limits_table 'openai-free' is not a shipped table (gemini-free, groq-free, none)")]
    [InlineData("providers:\n  - { name: x, type: openai, keys: [{ key: k, limits_table: paid }] }", "providers[0].keys[0].limits_table 'paid' is not a shipped table")]
    [InlineData("providers:\n  - { name: x, type: openai, model_limits: { m: { rpm: 0 } } }", "providers[0].model_limits.m.rpm must be at least 1")]
    [InlineData("providers:\n  - { name: x, type: openai, keys: [{ key: k, rpd: -5 }] }", "providers[0].keys[0].rpd must be at least 1")]
    [InlineData("providers:\n  - { name: x, type: bard }", "providers[0].type must be openai, anthropic, gemini or mock, not 'bard'")]
    [InlineData("providers:\n  - { name: 'a:b', type: openai }", "providers[0].name is required and may not contain ':', '/' or spaces")]
    [InlineData("providers:\n  - { name: x, type: openai, strategy: fastest }", "providers[0].strategy must be least_used")]
    [InlineData("providers:\n  - { name: x, type: openai, base_url: 'ftp://host' }", "providers[0].base_url 'ftp://host' is not an http(s) URL")]
    [InlineData("providers:\n  - { name: x, type: openai, keys: [{ key: '' }] }", "providers[0].keys[0].key is empty")]
    [InlineData("providers:\n  - { name: x, type: openai }\n  - { name: X, type: openai }", "providers[1].name 'X' is declared twice")]
    [InlineData("providers:\n  - { name: x, type: openai, timeout_seconds: 0 }", "providers[0].timeout_seconds must be between 1 and 3600")]
    [InlineData("providers:\n  - { name: x, type: openai, stream_idle_timeout_seconds: 0 }", "providers[0].stream_idle_timeout_seconds must be between 1 and 3600")]
    public void Should_name_the_field_of_each_provider_mistake(string yaml, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Load(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
