namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// A provider for a test gateway, one per type the config file knows (<c>type:</c>), to be given its models,
/// keys and settings and flattened by <see cref="GatewayConfig"/>:
/// <c>TestProviders.OpenAI("fake", upstream.BaseUrl).Models("gpt-4o-mini").Keys("up-1", "up-2")</c>.
/// </summary>
internal static class TestProviders
{
    public static ProviderFixture OpenAI(string name, Uri baseUrl) => new(name, "openai", baseUrl);

    public static ProviderFixture Anthropic(string name, Uri baseUrl) => new(name, "anthropic", baseUrl);

    public static ProviderFixture Gemini(string name, Uri baseUrl) => new(name, "gemini", baseUrl);

    /// <summary>The in-process provider that answers without an upstream (no base URL, no keys needed).</summary>
    public static ProviderFixture Mock(string name) => new(name, "mock", baseUrl: null);
}
