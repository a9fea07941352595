using Gateway.Host.Features.Outbound;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Features.Outbound;

/// <summary><c>outbound: { allow: [...] }</c> of the config file, read from YAML as an operator writes it, and one line per mistake.</summary>
public sealed class OutboundSettingsTests
{
    private static IConfiguration Yaml(string yaml) =>
        new ConfigurationBuilder().AddInMemoryCollection(ConfigFile.Parse(yaml, "gateway.yaml", new Dictionary<string, string?>())).Build();

    [Fact]
    public void Should_allow_nothing_when_the_section_is_absent()
    {
        Assert.Empty(OutboundFeature.AllowList(Yaml("urls: http://127.0.0.1:8080\n")).Entries);
    }

    [Fact]
    public void Should_read_ranges_addresses_and_hosts_in_the_order_written()
    {
        var entries = string.Join(", ", Enumerable.Range(1, 11).Select(i => $"\"10.0.{i}.0/24\""));

        var allow = OutboundFeature.AllowList(Yaml($"outbound:\n  allow: [\"hooks.internal:8443\", \"127.0.0.1\", {entries}]\n"));

        Assert.Equal(["hooks.internal:8443", "127.0.0.1", .. Enumerable.Range(1, 11).Select(i => $"10.0.{i}.0/24")], allow.Entries.Select(e => e.Text));
        Assert.Equal(("hooks.internal", 8443), (allow.Entries[0].Host, allow.Entries[0].Port));
    }

    [Theory]
    [InlineData("outbound:\n  allow: [\"127.0.0.1\", \"hooks..internal\"]\n", "outbound.allow[1] 'hooks..internal' is not a CIDR range, an IP address or host[:port]")]
    [InlineData("outbound:\n  allow: [\"http://hooks.internal/\"]\n", "outbound.allow[0] 'http://hooks.internal/' must be a CIDR range, an IP address or host[:port], not a URL")]
    [InlineData("outbound:\n  allow: [\"hooks.internal:99999\"]\n", "outbound.allow[0] 'hooks.internal:99999' has a port that is not 1 to 65535")]
    [InlineData("outbound:\n  allow: 127.0.0.1\n", "outbound.allow must be a list, e.g. allow: [\"127.0.0.1\"]")]
    [InlineData("outbound:\n  allow:\n    - { host: hooks.internal }\n", "outbound.allow[0] must be a CIDR range, an IP address or host[:port] in one string")]
    [InlineData("outbound:\n  alow: [\"127.0.0.1\"]\n", "outbound.alow is not a setting; outbound has allow")]
    public void Should_stop_with_one_line_naming_the_entry_that_is_wrong(string yaml, string message) =>
        Assert.Equal(message, Assert.Throws<SettingsException>(() => OutboundFeature.AllowList(Yaml(yaml))).Message);
}
