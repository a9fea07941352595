using Gateway.Domain.Chat;
using Gateway.Host.Features.Tools;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Features.Tools;

/// <summary>The config file's <c>tools:</c> and <c>tool_prices:</c>: off and free unless set, and one line naming the key for a mistake.</summary>
public sealed class ToolSettingsTests
{
    private static ToolSettings Read(params (string Key, string Value)[] values) =>
        ToolSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    private static string Refused(params (string Key, string Value)[] values) => Assert.Throws<SettingsException>(() => Read(values)).Message;

    [Fact]
    public void Both_tools_are_off_and_free_with_ten_iterations_unless_configured()
    {
        var settings = Read();

        Assert.False(settings.Enabled(GatewayToolKind.WebSearch));
        Assert.False(settings.Enabled(GatewayToolKind.CodeExecution));
        Assert.False(settings.InterceptNative);
        Assert.Equal(10, settings.MaxToolIterations);
        Assert.All(settings.Prices.Values, p => Assert.Equal(ToolPrice.Free, p));
    }

    [Fact]
    public void The_snake_case_keys_of_each_tool_bind_to_its_options()
    {
        var settings = Read(
            ("tools:web_search:enabled", "true"), ("tools:web_search:url", "http://searxng:8080"), ("tools:web_search:max_results", "3"),
            ("tools:web_search:blocked_domains:0", "example.com"), ("tools:code_execution:enabled", "true"),
            ("tools:code_execution:timeout_seconds", "12"), ("tools:code_execution:memory_mb", "256"), ("tools:max_tool_iterations", "25"),
            ("tools:intercept_native", "false"));

        Assert.True(settings.WebSearchEnabled);
        Assert.Equal("http://searxng:8080", settings.WebSearch.Url);
        Assert.Equal(3, settings.WebSearch.MaxResults);
        Assert.Equal(["example.com"], settings.WebSearch.BlockedDomains);
        Assert.True(settings.CodeExecutionEnabled);
        Assert.Equal(12, settings.CodeExecution.TimeoutSeconds);
        Assert.Equal(256, settings.CodeExecution.MemoryMb);
        Assert.Equal(25, settings.MaxToolIterations);
    }

    [Fact]
    public void Prices_are_decimal_dollars_per_call_and_per_second()
    {
        var settings = Read(("tool_prices:gateway_web_search:per_call", "0.01"), ("tool_prices:gateway_code_execution:per_second", "0.0001"));

        Assert.Equal(new ToolPrice(0.01m, 0m), settings.Prices[GatewayToolKind.WebSearch]);
        Assert.Equal(new ToolPrice(0m, 0.0001m), settings.Prices[GatewayToolKind.CodeExecution]);
        Assert.Equal(0.0012m, settings.Prices[GatewayToolKind.CodeExecution].Cost(new Gateway.Tools.ToolUsage(1, TimeSpan.FromSeconds(12))));
        Assert.Equal(0.003m, settings.Prices[GatewayToolKind.CodeExecution].WorstCase(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("tools:max_tool_iterations", "0", "tools.max_tool_iterations must be a whole number from 1 to 25, not '0'")]
    [InlineData("tools:max_tool_iterations", "26", "tools.max_tool_iterations must be a whole number from 1 to 25, not '26'")]
    [InlineData("tools:intercept_native", "maybe", "tools.intercept_native must be true or false, not 'maybe'")]
    [InlineData("tools:web_search:enabled", "yes please", "tools.web_search.enabled must be true or false, not 'yes please'")]
    [InlineData("tools:code_execution:timeout_seconds", "soon", "tools.code_execution.timeout_seconds must be a whole number, not 'soon'")]
    [InlineData("tools:browser:enabled", "true", "tools.browser is not a setting; tools has web_search, code_execution, intercept_native, max_tool_iterations")]
    [InlineData("tool_prices:gateway_browser:per_call", "1", "tool_prices.gateway_browser is not a gateway tool; tool_prices has gateway_web_search, gateway_code_execution")]
    [InlineData("tool_prices:gateway_web_search:per_token", "1", "tool_prices.gateway_web_search.per_token is not a setting; a tool's price has per_call and per_second")]
    [InlineData("tool_prices:gateway_web_search:per_call", "-1", "tool_prices.gateway_web_search.per_call '-1' must be a number of US dollars, zero or more")]
    public void A_mistake_stops_the_gateway_with_one_line_naming_the_key(string key, string value, string message) =>
        Assert.Equal(message, Refused((key, value)));

    [Fact]
    public void An_unknown_key_of_a_tool_is_named_with_the_keys_there_are()
    {
        var message = Refused(("tools:code_execution:timeout", "5"));

        Assert.StartsWith("tools.code_execution.timeout is not a setting; tools.code_execution has enabled, timeout_seconds, memory_mb", message);
    }

    [Fact]
    public void An_enabled_tool_whose_limits_cannot_work_stops_the_gateway_but_a_disabled_one_does_not()
    {
        Assert.Equal("tools.code_execution.memory_mb must be from 64 to 1048576, not 1",
            Refused(("tools:code_execution:enabled", "true"), ("tools:code_execution:memory_mb", "1")));
        Assert.Equal("tools.web_search.url is required for searxng: the address of the instance, e.g. http://searxng:8080",
            Refused(("tools:web_search:enabled", "true")));
        Assert.False(Read(("tools:web_search:enabled", "false")).WebSearchEnabled);
    }
}
