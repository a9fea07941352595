using Gateway.Host.Hosting;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>The typed provider fixtures give the gateway exactly what the same YAML file gives it.</summary>
public sealed class GatewayConfigTests
{
    private static List<KeyValuePair<string, string?>> Sorted(IEnumerable<KeyValuePair<string, string?>> values) =>
        [.. values.OrderBy(v => v.Key, StringComparer.Ordinal)];

    [Fact]
    public void Should_flatten_every_provider_setting_as_the_config_files_yaml_is_flattened()
    {
        var yaml = """
            providers:
              - name: gemini
                type: gemini
                base_url: http://127.0.0.1:5001/
                strategy: weighted_by_remaining
                models: [gemini-2.5-flash, gemini-2.5-pro]
                quota_groups: { flash: [gemini-2.5-flash, gemini-2.5-flash-lite] }
                model_limits: { gemini-2.5-pro: { rpm: 5, rpd: 100, tpm: 250000 }, flash: { rpd: 50 } }
                limits_table: gemini-free
                concurrency_multipliers: { "1": 1.5 }
                timeout_seconds: 90
                stream_idle_timeout_seconds: 45
                discover_models: true
                discovery_interval_minutes: 60
                max_attempts: 4
                headers: { X-Title: my-app }
                keys:
                  - { key: AIza-one, label: personal, project: proj-a, priority: 0, max_concurrency: 3 }
                  - { key: AIza-two, label: spare, project: proj-b, priority: 1, weight: 2.5, rpm: 10, rpd: 250, tpm: 1000, limits_table: none }
              - name: claude
                type: anthropic
                base_url: http://127.0.0.1:5002/
                structured_outputs: prompt
                keys: [{ key: sk-ant-one }, { key: sk-ant-two }]
              - { name: mock, type: mock, models: [text-embedding-3-small] }
            aliases:
              smart: [claude:claude-sonnet-4-5, gemini:gemini-2.5-pro]
            max_request_body_mb: 1
            """;

        var config = new GatewayConfig(
                TestProviders.Gemini("gemini", new Uri("http://127.0.0.1:5001")).Strategy("weighted_by_remaining").Models("gemini-2.5-flash", "gemini-2.5-pro")
                    .QuotaGroup("flash", "gemini-2.5-flash", "gemini-2.5-flash-lite")
                    .ModelLimits("gemini-2.5-pro", rpm: 5, rpd: 100, tpm: 250_000).ModelLimits("flash", rpd: 50)
                    .LimitsTable("gemini-free").ConcurrencyMultiplier(1, 1.5)
                    .Timeout(TimeSpan.FromSeconds(90)).StreamIdleTimeout(TimeSpan.FromSeconds(45))
                    .DiscoverModels(intervalMinutes: 60).MaxAttempts(4).Header("X-Title", "my-app")
                    .Key("AIza-one", label: "personal", project: "proj-a", priority: 0, maxConcurrency: 3)
                    .Key("AIza-two", label: "spare", project: "proj-b", priority: 1, weight: 2.5, rpm: 10, rpd: 250, tpm: 1000, limitsTable: "none"),
                TestProviders.Anthropic("claude", new Uri("http://127.0.0.1:5002")).StructuredOutputs("prompt").Keys("sk-ant-one", "sk-ant-two"),
                TestProviders.Mock("mock").Models("text-embedding-3-small"))
            .Alias("smart", "claude:claude-sonnet-4-5", "gemini:gemini-2.5-pro")
            .With("max_request_body_mb", "1");

        Assert.Equal(Sorted(ConfigFile.Parse(yaml, "gateway.yaml", new Dictionary<string, string?>())), Sorted(config.Flatten()));
    }

    [Fact]
    public void Should_refuse_a_timeout_the_config_file_cannot_say_in_whole_seconds() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TestProviders.OpenAI("x", new Uri("http://127.0.0.1:1")).Timeout(TimeSpan.FromMilliseconds(1500)));
}
