using System.Net;
using Gateway.Domain.Outbound;

namespace Gateway.Domain.Tests.Outbound;

/// <summary>The URL rules (scheme, user info, port, metadata names, address literals in any spelling) and the every-address rule for resolved names.</summary>
public sealed class OutboundRulesTests
{
    private static readonly OutboundRules Strict = new(OutboundAllowList.Empty);

    private static OutboundRules Allowing(params string[] entries) => new(OutboundAllowList.Parse(entries).List!);

    private static IPAddress[] Addresses(params string[] addresses) => [.. addresses.Select(IPAddress.Parse)];

    [Theory]
    [InlineData("https://hooks.example/budget?token=s3cret")]
    [InlineData("http://hooks.example/")]
    [InlineData("http://hooks.example:443/")]
    [InlineData("https://hooks.example:80/")]
    [InlineData("https://93.184.215.14/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public void Should_accept_http_and_https_on_ports_80_and_443_without_user_info(string url) =>
        Assert.Null(Strict.CheckUrl(new Uri(url)));

    [Theory]
    [InlineData("ftp://hooks.example/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://hooks.example:70/_x")]
    [InlineData("ws://hooks.example/socket")]
    [InlineData("wss://hooks.example/socket")]
    [InlineData("data:text/plain,hi")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ldap://hooks.example/")]
    public void Should_refuse_every_scheme_but_http_and_https(string url) =>
        Assert.Equal("must be an http or https URL", Strict.CheckUrl(new Uri(url)));

    [Theory]
    [InlineData("https://user:password@hooks.example/")]
    [InlineData("https://token@hooks.example/")]
    [InlineData("http://hooks.example@127.0.0.1/")]
    public void Should_refuse_user_info_even_where_the_host_is_allowed(string url) =>
        Assert.Equal("must not carry a user name or password (they would be sent to whoever answers, and logged)", Allowing("127.0.0.1", "hooks.example").CheckUrl(new Uri(url)));

    [Theory]
    [InlineData("http://hooks.example:8080/", "port 8080 is not 80 or 443; allow hooks.example:8080 with outbound.allow")]
    [InlineData("https://hooks.example:5432/", "port 5432 is not 80 or 443; allow hooks.example:5432 with outbound.allow")]
    [InlineData("http://93.184.215.14:22/", "port 22 is not 80 or 443; allow 93.184.215.14:22 with outbound.allow")]
    [InlineData("http://[2606:4700:4700::1111]:8443/", "port 8443 is not 80 or 443; allow [2606:4700:4700::1111]:8443 with outbound.allow")]
    [InlineData("http://hooks.example:0/", "port 0 is not 80 or 443; allow hooks.example:0 with outbound.allow")]
    public void Should_refuse_other_ports_naming_the_entry_that_would_allow_them(string url, string reason) =>
        Assert.Equal(reason, Strict.CheckUrl(new Uri(url)));

    [Theory]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal")]
    [InlineData("http://METADATA.Google.Internal./computeMetadata/v1/", "metadata.google.internal")]
    [InlineData("http://metadata.goog/", "metadata.goog")]
    [InlineData("http://metadata/", "metadata")]
    [InlineData("http://instance-data/latest/", "instance-data")]
    [InlineData("http://instance-data.ec2.internal/latest/", "instance-data.ec2.internal")]
    public void Should_refuse_metadata_names_before_resolving_them(string url, string host) =>
        Assert.Equal($"{host} is a cloud metadata name; allow it with outbound.allow", Strict.CheckUrl(new Uri(url)));

    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1 is a loopback address")]
    [InlineData("http://127.1/", "127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f000001/", "127.0.0.1 is a loopback address")]
    [InlineData("http://2130706433/", "127.0.0.1 is a loopback address")]
    [InlineData("http://017700000001/", "127.0.0.1 is a loopback address")]
    [InlineData("http://0/", "0.0.0.0 is an unspecified address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address")]
    [InlineData("http://10.0.0.7/", "10.0.0.7 is a private address")]
    [InlineData("http://100.64.1.1/", "100.64.1.1 is a shared (CGNAT) address")]
    [InlineData("http://[::1]/", "::1 is a loopback address")]
    [InlineData("http://[::]/", ":: is an unspecified address")]
    [InlineData("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 (IPv4-mapped 127.0.0.1) is a loopback address")]
    [InlineData("http://[::ffff:a9fe:a9fe]/", "::ffff:169.254.169.254 (IPv4-mapped 169.254.169.254) is a cloud metadata address")]
    [InlineData("http://[64:ff9b::a00:7]/", "64:ff9b::a00:7 (NAT64 of 10.0.0.7) is a private address")]
    [InlineData("http://[fe80::1%25eth0]/", "fe80::1 is a link-local address")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address")]
    [InlineData("http://127.0.0.1:5432/", "127.0.0.1 is a loopback address")]
    public void Should_judge_an_address_literal_in_any_spelling_at_once(string url, string reason) =>
        Assert.Equal($"{reason}; allow it with outbound.allow", Strict.CheckUrl(new Uri(url)));

    [Fact]
    public void Should_refuse_a_name_resolving_to_127_0_0_1()
    {
        Assert.Null(Strict.CheckUrl(new Uri("https://hooks.tenant.example/alert")));
        Assert.Equal("hooks.tenant.example resolves to 127.0.0.1, a loopback address; allow it with outbound.allow",
            Strict.CheckAddresses("hooks.tenant.example", 443, Addresses("127.0.0.1")));
    }

    [Theory]
    [InlineData("93.184.215.14", "10.0.0.7", "hooks.example resolves to 10.0.0.7, a private address; allow it with outbound.allow")]
    [InlineData("10.0.0.7", "93.184.215.14", "hooks.example resolves to 10.0.0.7, a private address; allow it with outbound.allow")]
    [InlineData("2606:4700:4700::1111", "fd00::7", "hooks.example resolves to fd00::7, a private address; allow it with outbound.allow")]
    [InlineData("93.184.215.14", "::ffff:192.168.1.1", "hooks.example resolves to ::ffff:192.168.1.1 (IPv4-mapped 192.168.1.1), a private address; allow it with outbound.allow")]
    [InlineData("93.184.215.14", "64:ff9b::7f00:1", "hooks.example resolves to 64:ff9b::7f00:1 (NAT64 of 127.0.0.1), a loopback address; allow it with outbound.allow")]
    public void Should_refuse_a_name_when_any_one_of_its_addresses_is_special(string first, string second, string reason) =>
        Assert.Equal(reason, Strict.CheckAddresses("hooks.example", 443, Addresses(first, second)));

    [Fact]
    public void Should_let_a_name_through_when_every_address_is_public()
    {
        Assert.Null(Strict.CheckAddresses("hooks.example", 443, Addresses("93.184.215.14", "2606:4700:4700::1111", "64:ff9b::808:808")));
    }

    [Fact]
    public void Should_let_a_loopback_receiver_through_when_its_address_is_allowed_on_any_port()
    {
        var rules = Allowing("127.0.0.1");

        Assert.All(new[]
        {
            rules.CheckUrl(new Uri("http://127.0.0.1:41234/hooks/budget")),
            rules.CheckUrl(new Uri("http://[::ffff:127.0.0.1]:41234/hooks/budget")),
            rules.CheckUrl(new Uri("http://receiver.test:41234/hooks/budget")),
            rules.CheckAddresses("receiver.test", 41234, Addresses("127.0.0.1")),
        }, Assert.Null);
        Assert.Equal("127.0.0.2 is a loopback address; allow it with outbound.allow", rules.CheckUrl(new Uri("http://127.0.0.2:41234/")));
        Assert.Equal("receiver.test resolves to ::1, a loopback address; allow it with outbound.allow",
            rules.CheckAddresses("receiver.test", 41234, Addresses("127.0.0.1", "::1")));
    }

    [Fact]
    public void Should_let_an_allowed_host_through_on_its_port_whatever_it_resolves_to_and_nothing_else_on_that_port()
    {
        var rules = Allowing("hooks.internal:8443", "10.1.2.0/24");

        Assert.All(new[]
        {
            rules.CheckUrl(new Uri("https://hooks.internal:8443/x")),
            rules.CheckAddresses("hooks.internal", 8443, Addresses("10.9.9.9", "127.0.0.1")),
            rules.CheckAddresses("search.internal", 9200, Addresses("10.1.2.40")),
        }, Assert.Null);
        Assert.Equal("hooks.internal resolves to 10.9.9.9, a private address; allow it with outbound.allow",
            rules.CheckAddresses("hooks.internal", 443, Addresses("10.9.9.9")));
        Assert.Equal("port 8443 is not 80 or 443; allow public.example:8443 with outbound.allow",
            rules.CheckAddresses("public.example", 8443, Addresses("93.184.215.14")));
        Assert.Equal("search.internal resolves to 10.1.3.40, a private address; allow it with outbound.allow",
            rules.CheckAddresses("search.internal", 9200, Addresses("10.1.2.40", "10.1.3.40")));
    }

    [Fact]
    public void Should_let_an_operator_allow_a_metadata_name_explicitly()
    {
        Assert.Null(Allowing("metadata.google.internal").CheckUrl(new Uri("http://metadata.google.internal/computeMetadata/v1/")));
    }
}
