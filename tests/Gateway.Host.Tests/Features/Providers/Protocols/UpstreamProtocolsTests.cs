using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Providers.Protocols;

namespace Gateway.Host.Tests.Features.Providers.Protocols;

/// <summary>Every provider kind has its protocol, and what a protocol says it can serve is what it implements.</summary>
public sealed class UpstreamProtocolsTests
{
    public static TheoryData<ProviderKind> Kinds => [.. Enum.GetValues<ProviderKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_resolve_each_kind_to_its_own_protocol(ProviderKind kind) =>
        Assert.Equal(kind, UpstreamProtocols.For(kind).Kind);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Should_offer_embeddings_and_counting_exactly_when_the_protocol_can_send_them(ProviderKind kind)
    {
        var protocol = UpstreamProtocols.For(kind);

        Assert.True(protocol.Capabilities.HasFlag(Capability.Chat));
        Assert.Equal(protocol is IEmbeddingProtocol, protocol.Capabilities.HasFlag(Capability.Embeddings));
        Assert.Equal(protocol is ITokenCountingProtocol, protocol.Capabilities.HasFlag(Capability.CountTokens));
    }

    [Fact]
    public void Should_serve_what_each_provider_api_has()
    {
        Assert.Equal(Capability.Chat | Capability.Embeddings | Capability.Moderations | Capability.Responses, UpstreamProtocols.For(ProviderKind.OpenAI).Capabilities);
        Assert.Equal(Capability.Chat | Capability.CountTokens, UpstreamProtocols.For(ProviderKind.Anthropic).Capabilities);
        Assert.Equal(Capability.Chat | Capability.Embeddings | Capability.CountTokens, UpstreamProtocols.For(ProviderKind.Gemini).Capabilities);
    }

    [Fact]
    public void Should_start_gemini_quota_days_at_midnight_pacific_and_the_others_at_midnight_utc()
    {
        var now = DateTimeOffset.Parse("2026-11-22T23:59:00Z");

        Assert.Equal(DateTimeOffset.Parse("2026-11-23T08:00:00Z"), QuotaClock.NextDailyReset(UpstreamProtocols.For(ProviderKind.Gemini).QuotaZone, now));
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T00:00:00Z"), QuotaClock.NextDailyReset(UpstreamProtocols.For(ProviderKind.OpenAI).QuotaZone, now));
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T00:00:00Z"), QuotaClock.NextDailyReset(UpstreamProtocols.For(ProviderKind.Anthropic).QuotaZone, now));
    }

    [Fact]
    public void Should_default_to_each_providers_own_api()
    {
        Assert.Equal("https://api.openai.com/v1/", UpstreamProtocols.For(ProviderKind.OpenAI).DefaultBaseUrl.ToString());
        Assert.Equal("https://api.anthropic.com/", UpstreamProtocols.For(ProviderKind.Anthropic).DefaultBaseUrl.ToString());
        Assert.Equal("https://generativelanguage.googleapis.com/", UpstreamProtocols.For(ProviderKind.Gemini).DefaultBaseUrl.ToString());
    }
}
