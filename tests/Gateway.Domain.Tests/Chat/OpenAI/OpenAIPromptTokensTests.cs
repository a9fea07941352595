using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;
using Microsoft.ML.Tokenizers;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>Prompt counts held to those OpenAI's cookbook publishes, which the API itself returned for the same requests.</summary>
public sealed class OpenAIPromptTokensTests
{
    private static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly Tokenizer Cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private static int Count(string request, OpenAIEncoding encoding) =>
        OpenAIPromptTokens.Count(JsonNode.Parse(request)!.AsObject(), encoding, text => (encoding == OpenAIEncoding.O200kBase ? O200k : Cl100k).CountTokens(text));

    /// <summary>The cookbook's example with names: 124 prompt tokens on gpt-4o and gpt-4o-mini, 129 on gpt-4 and gpt-3.5-turbo.</summary>
    [Fact]
    public void Should_count_messages_with_names_as_openai_did_for_the_cookbooks_example()
    {
        const string Request = """
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
              {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
              {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
              {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
              {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
              {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}]}
            """;

        Assert.Equal(124, Count(Request, OpenAIEncoding.O200kBase));
        Assert.Equal(129, Count(Request, OpenAIEncoding.Cl100kBase));
    }

    /// <summary>The cookbook's example with a tool: 101 prompt tokens on gpt-4o and gpt-4o-mini, 105 on gpt-4 and gpt-3.5-turbo.</summary>
    [Fact]
    public void Should_count_a_tool_as_openai_did_for_the_cookbooks_example()
    {
        Assert.Equal(101, Count(WeatherRequest, OpenAIEncoding.O200kBase));
        Assert.Equal(105, Count(WeatherRequest, OpenAIEncoding.Cl100kBase));
    }

    private const string WeatherRequest = """
        {"model":"gpt-4o","messages":[
          {"role":"system","content":"You are a helpful assistant that can answer to questions about the weather."},
          {"role":"user","content":"What's the weather like in San Francisco?"}],
         "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather in a given location",
           "parameters":{"type":"object","properties":{
             "location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
             "unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
           "required":["location"]}}}]}
        """;

    [Fact]
    public void Should_count_tool_calls_images_and_nested_parameters_beyond_the_cookbook_the_same_way()
    {
        const string Call = """{"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]}]}""";
        const string Image = """{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""";
        const string Nested = """{"messages":[],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"where":{"type":"object","properties":{"city":{"type":"string","description":"A city."}}}}}}}]}""";

        // Framing 3 + role + (name + arguments) + priming 3.
        Assert.Equal(3 + O200k.CountTokens("assistant") + O200k.CountTokens("weather") + O200k.CountTokens("{\"city\":\"Oslo\"}") + 3, Count(Call, OpenAIEncoding.O200kBase));
        Assert.Equal(3 + O200k.CountTokens("user") + O200k.CountTokens("What is this?") + OpenAIPromptTokens.TokensPerImage + 3, Count(Image, OpenAIEncoding.O200kBase));
        // Priming, one function (7 + "f:d"), its properties (3), where (3 + line), where's own properties (3), city (3 + line), the end (12).
        Assert.Equal(
            3 + 7 + O200k.CountTokens("f:d") + 3 + 3 + O200k.CountTokens("where:object:") + 3 + 3 + O200k.CountTokens("city:string:A city") + 12,
            Count(Nested, OpenAIEncoding.O200kBase));
    }

    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("gpt-5.1-codex", "o200k_base")]
    [InlineData("o1", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("o4-mini-2025-04-16", "o200k_base")]
    [InlineData("openai/gpt-4o", "o200k_base")]
    [InlineData("ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-3.5-turbo-0125", "cl100k_base")]
    [InlineData("GPT-4O", "o200k_base")]
    [InlineData("gpt-4oo", null)]
    [InlineData("o10", null)]
    [InlineData("llama-3.1-8b-instant", null)]
    [InlineData("gpt-oss-120b", null)]
    [InlineData("claude-sonnet-4-5", null)]
    public void Should_know_the_encoding_of_openais_chat_families_and_no_others(string model, string? expected) =>
        Assert.Equal(expected, OpenAIPromptTokens.EncodingOf(model)?.Name);

    /// <summary>The tokenizers themselves, on the cookbook's example strings.</summary>
    [Theory]
    [InlineData("tiktoken is great!", 6, 6)]
    [InlineData("antidisestablishmentarianism", 6, 6)]
    [InlineData("2 + 2 = 4", 7, 7)]
    [InlineData("お誕生日おめでとう", 8, 9)]
    public void Should_tokenize_the_cookbooks_strings_to_its_counts(string text, int o200k, int cl100k)
    {
        Assert.Equal(o200k, O200k.CountTokens(text));
        Assert.Equal(cl100k, Cl100k.CountTokens(text));
    }
}
