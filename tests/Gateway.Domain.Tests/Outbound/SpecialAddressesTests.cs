using System.Net;
using Gateway.Domain.Outbound;

namespace Gateway.Domain.Tests.Outbound;

/// <summary>Every range the guard refuses, in each form an address of it can take, and the public addresses beside them it lets through.</summary>
public sealed class SpecialAddressesTests
{
    /// <summary>An IPv4 address of each refused range (its edges where a neighbour is public), with the kind it is named as.</summary>
    private static readonly (string Address, string Kind)[] V4 =
    [
        ("0.0.0.0", "unspecified"), ("0.255.255.255", "unspecified"),
        ("10.0.0.1", "private"), ("10.255.255.255", "private"),
        ("100.64.0.0", "cgnat"), ("100.127.255.255", "cgnat"),
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
        ("169.254.0.1", "link-local"), ("169.254.255.255", "link-local"),
        ("169.254.169.254", "metadata"), ("169.254.170.2", "metadata"), ("168.63.129.16", "metadata"), ("100.100.100.200", "metadata"),
        ("172.16.0.0", "private"), ("172.31.255.255", "private"),
        ("192.0.0.8", "reserved"), ("192.0.0.192", "reserved"),
        ("192.0.2.1", "documentation"), ("198.51.100.7", "documentation"), ("203.0.113.255", "documentation"),
        ("192.88.99.1", "reserved"),
        ("192.168.0.1", "private"), ("192.168.255.255", "private"),
        ("198.18.0.1", "reserved"), ("198.19.255.255", "reserved"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
    ];

    /// <summary>Each IPv4 row as itself and as IPv6 carries it: IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16).</summary>
    public static IEnumerable<TheoryDataRow<string, string>> V4InEveryForm() =>
        V4.SelectMany(row =>
        {
            var b = IPAddress.Parse(row.Address).GetAddressBytes();
            return new[]
            {
                new TheoryDataRow<string, string>(row.Address, row.Kind),
                new(IPAddress.Parse(row.Address).MapToIPv6().ToString(), row.Kind),
                new($"64:ff9b::{b[0]:x2}{b[1]:x2}:{b[2]:x2}{b[3]:x2}", row.Kind),
                new($"2002:{b[0]:x2}{b[1]:x2}:{b[2]:x2}{b[3]:x2}::1", row.Kind),
            };
        });

    [Theory]
    [MemberData(nameof(V4InEveryForm))]
    public void Should_refuse_every_special_IPv4_range_plain_mapped_NAT64_and_6to4(string address, string kind) =>
        Assert.Equal(kind, SpecialAddresses.Classify(IPAddress.Parse(address))?.Kind.Name);

    [Theory]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "private")]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "private")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("febf:ffff::1", "link-local")]
    [InlineData("fec0::1", "private")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("ff05::1:3", "multicast")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff:fff::1", "documentation")]
    [InlineData("2001::1", "reserved")]
    [InlineData("2001:2::1", "reserved")]
    [InlineData("64:ff9b:1::a00:1", "reserved")]
    [InlineData("100::1", "reserved")]
    [InlineData("::7f00:1", "reserved")]
    [InlineData("::ffff:0:7f00:1", "reserved")]
    [InlineData("5f00::1", "reserved")]
    [InlineData("4000::1", "reserved")]
    public void Should_refuse_every_special_IPv6_range_and_all_outside_global_unicast(string address, string kind) =>
        Assert.Equal(kind, SpecialAddresses.Classify(IPAddress.Parse(address))?.Kind.Name);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.215.14")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Should_let_globally_reachable_addresses_through_in_every_form(string address) =>
        Assert.Null(SpecialAddresses.Classify(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("::ffff:10.0.0.1", "::ffff:10.0.0.1 (IPv4-mapped 10.0.0.1)")]
    [InlineData("64:ff9b::a00:1", "64:ff9b::a00:1 (NAT64 of 10.0.0.1)")]
    [InlineData("2002:a00:1::", "2002:a00:1:: (6to4 of 10.0.0.1)")]
    public void Should_name_the_IPv4_address_an_IPv6_one_carries(string address, string subject) =>
        Assert.Equal(subject, SpecialAddresses.Classify(IPAddress.Parse(address))!.Subject);
}
