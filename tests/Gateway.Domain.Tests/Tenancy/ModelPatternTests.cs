using Gateway.Domain.Tenancy;

namespace Gateway.Domain.Tests.Tenancy;

public sealed class ModelPatternTests
{
    [Theory]
    [InlineData("openai:gpt-4o", "openai:gpt-4o", true)]
    [InlineData("openai:gpt-4o", "OpenAI:GPT-4o", true)]
    [InlineData("openai:gpt-4o", "openai:gpt-4o-mini", false)]
    [InlineData("openai:*", "openai:gpt-4o-mini", true)]
    [InlineData("openai:*", "gemini:gemini-2.5-flash", false)]
    [InlineData("*:gpt-4o*", "groq:gpt-4o-mini", true)]
    [InlineData("gemini:gemini-*-flash", "gemini:gemini-2.5-flash", true)]
    [InlineData("gemini:gemini-*-flash", "gemini:gemini-2.5-pro", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "ac", false)]
    [InlineData("ab*ba", "aba", false)]
    [InlineData("*", "anything", true)]
    public void Should_match_exact_names_and_wildcards_ignoring_case(string pattern, string model, bool expected) =>
        Assert.Equal(expected, ModelPattern.Matches(pattern, model));

    [Fact]
    public void Should_allow_every_model_when_the_list_is_empty_and_only_listed_ones_otherwise()
    {
        Assert.True(ModelPattern.Allows([], "openai:gpt-4o"));
        Assert.True(ModelPattern.Allows(["gemini:*", "openai:gpt-4o"], "openai:gpt-4o"));
        Assert.False(ModelPattern.Allows(["gemini:*"], "openai:gpt-4o"));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("gpt 4", "must not contain spaces")]
    [InlineData("open**", "must not contain '**'")]
    public void Should_explain_a_pattern_it_refuses(string pattern, string problem) =>
        Assert.Equal(problem, ModelPattern.Validate(pattern));
}
