using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Providers;
using Gateway.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Hosting;

/// <summary><c>capabilities:</c> narrows what a provider serves to part of what its type's API has, and every mistake is named.</summary>
public sealed class ProviderCapabilitiesConfigTests
{
    private static readonly KeySecrets Secrets = new(new byte[32], "gwa_test");

    private static ProviderRegistry Load(string capabilities, string type = "openai", string baseUrl = "base_url: http://vllm.internal:8000/v1") =>
        ProviderRegistry.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(ConfigFile.Parse($$"""
                providers:
                  - name: local
                    type: {{type}}
                    {{baseUrl}}
                    models: [llama]
                    {{capabilities}}
                    keys: [{ key: "sk-local-000000000000000001" }]
                """, "gateway.yaml", new Dictionary<string, string?>())).Build(), Secrets);

    [Fact]
    public void A_provider_without_capabilities_serves_all_its_type_has_but_an_openai_compatible_server_not_the_responses_api()
    {
        Assert.Equal(Capability.Chat | Capability.Embeddings | Capability.Moderations, Load("").Providers["local"].Capabilities);
        Assert.Equal(Capability.Chat | Capability.CountTokens, Load("", "anthropic").Providers["local"].Capabilities);
        Assert.Equal(Capability.Chat | Capability.Embeddings | Capability.CountTokens, Load("", "gemini").Providers["local"].Capabilities);
    }

    [Theory]
    [InlineData("")]
    [InlineData("base_url: https://api.openai.com/v1")]
    public void OpenAIs_own_api_serves_the_responses_api_too(string baseUrl) =>
        Assert.Equal(
            Capability.Chat | Capability.Embeddings | Capability.Moderations | Capability.Responses,
            Load("", baseUrl: baseUrl).Providers["local"].Capabilities);

    [Fact]
    public void An_openai_compatible_server_is_said_to_serve_the_responses_api_by_naming_it() =>
        Assert.Equal(Capability.Chat | Capability.Responses, Load("capabilities: [chat, responses]").Providers["local"].Capabilities);

    [Fact]
    public void Capabilities_narrow_what_it_serves() =>
        Assert.Equal(Capability.Chat, Load("capabilities: [chat]").Providers["local"].Capabilities);

    [Fact]
    public void An_unknown_capability_is_named_with_the_ones_there_are()
    {
        var error = Assert.Throws<SettingsException>(() => Load("capabilities: [chat, vision]"));
        Assert.Equal("providers[0].capabilities: 'vision' is not a capability (chat, embeddings, moderations, count_tokens, responses)", error.Message);
    }

    [Fact]
    public void A_capability_its_type_lacks_is_refused_with_what_it_can_serve()
    {
        var responses = Assert.Throws<SettingsException>(() => Load("capabilities: [chat, responses]", "gemini"));
        Assert.Equal("providers[0].capabilities: gemini providers cannot serve responses (they can serve chat, embeddings, count_tokens)", responses.Message);

        var error = Assert.Throws<SettingsException>(() => Load("capabilities: [embeddings]", "anthropic"));
        Assert.Equal("providers[0].capabilities: anthropic providers cannot serve embeddings (they can serve chat, count_tokens)", error.Message);
    }
}
