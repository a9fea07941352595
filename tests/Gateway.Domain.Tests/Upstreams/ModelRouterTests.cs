using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class ModelRouterTests
{
    private static readonly ModelRouter Router = new(
        [
            new RoutableProvider("gemini", ["gemini-2.5-flash", "gemini-2.5-pro"]),
            new RoutableProvider("groq", ["llama-3.1-8b-instant"]),
            new RoutableProvider("openrouter", ["meta-llama/llama-3.3-70b-instruct"]),
            new RoutableProvider("local", []),
        ],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["flash"] = ["gemini:gemini-2.5-flash"],
            ["fast"] = ["flash", "groq:llama-3.1-8b-instant"],
            ["loop"] = ["loop"],
        });

    [Theory]
    [InlineData("gemini:gemini-2.5-pro", "gemini:gemini-2.5-pro")]
    [InlineData("gemini/gemini-2.5-pro", "gemini:gemini-2.5-pro")]
    [InlineData("local:qwen2.5:7b", "local:qwen2.5:7b")]
    [InlineData("GROQ:llama-3.1-8b-instant", "groq:llama-3.1-8b-instant")]
    public void Should_route_provider_prefixed_names_directly(string requested, string expected) =>
        Assert.Equal([expected], Router.Resolve(requested).Targets.Select(t => t.ToString()));

    [Fact]
    public void Should_treat_a_slash_that_follows_no_provider_as_part_of_the_model_name() =>
        Assert.Equal(["openrouter:meta-llama/llama-3.3-70b-instruct"], Router.Resolve("meta-llama/llama-3.3-70b-instruct").Targets.Select(t => t.ToString()));

    [Fact]
    public void Should_expand_aliases_into_ordered_fallback_chains()
    {
        Assert.Equal(["gemini:gemini-2.5-flash"], Router.Resolve("flash").Targets.Select(t => t.ToString()));
        Assert.Equal(["gemini:gemini-2.5-flash", "groq:llama-3.1-8b-instant"], Router.Resolve("fast").Targets.Select(t => t.ToString()));
    }

    [Fact]
    public void Should_find_a_bare_name_among_the_providers_that_list_it() =>
        Assert.Equal(["gemini:gemini-2.5-pro"], Router.Resolve("gemini-2.5-pro").Targets.Select(t => t.ToString()));

    [Theory]
    [InlineData("gpt-7", "model 'gpt-7' is not served by any provider; name one as provider:model")]
    [InlineData("loop", "alias 'loop' refers back to itself")]
    [InlineData(" ", "model must not be empty")]
    public void Should_explain_a_name_that_leads_nowhere(string requested, string error)
    {
        var (targets, message) = Router.Resolve(requested);

        Assert.Empty(targets);
        Assert.Equal(error, message);
    }

    [Theory]
    [InlineData("fast", "gemini:gemini-2.5-flash,groq:llama-3.1-8b-instant")]
    [InlineData("gemini/gemini-2.5-pro", "gemini:gemini-2.5-pro")]
    [InlineData("llama-3.1-8b-instant", "groq:llama-3.1-8b-instant")]
    [InlineData("GEMINI:Gemini-2.5-Pro", "gemini:Gemini-2.5-Pro")]
    [InlineData("gemini:gemini-9-ultra", "")]
    [InlineData("local:qwen2.5:7b", "")]
    [InlineData("gpt-7", "")]
    public void Should_list_only_the_targets_their_providers_list_for_a_lookup(string requested, string expected) =>
        Assert.Equal(expected, string.Join(',', Router.Listed(requested)));
}
