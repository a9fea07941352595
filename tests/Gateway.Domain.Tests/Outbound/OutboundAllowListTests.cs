using System.Net;
using Gateway.Domain.Outbound;

namespace Gateway.Domain.Tests.Outbound;

/// <summary><c>outbound.allow</c> entries: what each form permits, on which ports, and the mistakes it names.</summary>
public sealed class OutboundAllowListTests
{
    private static OutboundAllowList Parse(params string[] entries) => OutboundAllowList.Parse(entries).List!;

    [Theory]
    [InlineData("10.1.2.0/24", "10.1.2.77", 5432, true)]
    [InlineData("10.1.2.0/24", "10.1.3.1", 443, false)]
    [InlineData("fd00::/8", "fd12::5", 8443, true)]
    [InlineData("127.0.0.1", "127.0.0.1", 41234, true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", 80, true)]
    [InlineData("127.0.0.1", "127.0.0.2", 80, false)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1", 80, true)]
    [InlineData("::1", "::1", 9000, true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000, true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9001, false)]
    [InlineData("[fd00::5]:8443", "fd00::5", 8443, true)]
    [InlineData("[fd00::5]:8443", "fd00::5", 443, false)]
    [InlineData("[fd00::5]", "fd00::5", 443, true)]
    [InlineData("hooks.internal:8443", "10.1.2.3", 8443, false)]
    public void Should_permit_addresses_an_address_or_range_entry_covers_on_its_port_or_any_when_it_names_none(
        string entry, string address, int port, bool permitted) =>
        Assert.Equal(permitted, Parse(entry).PermitsAddress(IPAddress.Parse(address), port));

    [Theory]
    [InlineData("hooks.internal:8443", "hooks.internal", 8443, true)]
    [InlineData("hooks.internal:8443", "hooks.internal", 443, false)]
    [InlineData("hooks.internal", "hooks.internal", 9999, true)]
    [InlineData("Hooks.Internal.", "hooks.internal", 443, true)]
    [InlineData("hooks.internal", "evil.hooks.internal", 443, false)]
    [InlineData("hooks.internal", "hooks.internal.evil.example", 443, false)]
    [InlineData("10.0.0.0/8", "hooks.internal", 443, false)]
    public void Should_permit_a_host_entry_s_exact_name_on_its_port_or_any_when_it_names_none(string entry, string host, int port, bool permitted) =>
        Assert.Equal(permitted, Parse(entry).PermitsName(host, port));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("http://hooks.internal", "must be a CIDR range, an IP address or host[:port], not a URL")]
    [InlineData("user@hooks.internal", "must be a CIDR range, an IP address or host[:port], not a URL")]
    [InlineData("10.1.2.3/24", "has bits set past its prefix; write 10.1.2.0/24 for the range or 10.1.2.3 for the one address")]
    [InlineData("10.1.2.0/33", "is not a CIDR range such as 10.1.2.0/24 or fd00::/8")]
    [InlineData("10.1/16", "is not a CIDR range such as 10.1.2.0/24 or fd00::/8")]
    [InlineData("hooks.internal/24", "is not a CIDR range such as 10.1.2.0/24 or fd00::/8")]
    [InlineData("hooks.internal:0", "has a port that is not 1 to 65535")]
    [InlineData("hooks.internal:65536", "has a port that is not 1 to 65535")]
    [InlineData("hooks.internal:https", "has a port that is not 1 to 65535")]
    [InlineData("[fd00::5]:x", "has a port that is not 1 to 65535")]
    [InlineData("[hooks.internal]", "is not an IPv6 address in brackets, such as [fd00::5]:8443")]
    [InlineData("hooks..internal", "is not a CIDR range, an IP address or host[:port]")]
    [InlineData("hooks internal", "is not a CIDR range, an IP address or host[:port]")]
    [InlineData("8443", "is not a CIDR range, an IP address or host[:port]")]
    public void Should_name_what_is_wrong_with_an_entry_and_where_it_stands(string entry, string error)
    {
        var (list, bad, message) = OutboundAllowList.Parse(["127.0.0.1", entry]);

        Assert.Equal((null, 1, error), (list, bad, message));
    }

    [Fact]
    public void Should_know_before_resolving_whether_any_entry_could_permit_a_port()
    {
        var allow = Parse("hooks.internal:8443", "192.168.1.10:9000");
        var anyPortRange = Parse("10.0.0.0/8");

        // A range without a port may cover whatever other.example resolves to, on any port: only the addresses can tell.
        Assert.Equal(
            [true, false, true, false, true],
            [allow.MayPermitPort("hooks.internal", 8443), allow.MayPermitPort("other.example", 8443), allow.MayPermitPort("other.example", 9000),
             allow.MayPermitPort("hooks.internal", 9001), anyPortRange.MayPermitPort("other.example", 5432)]);
    }
}
