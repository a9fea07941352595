using Gateway.Domain.Chat.OpenAI;
using Microsoft.ML.Tokenizers;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>The gateway's families of OpenAI models agree with the tokenizer library's own model table.</summary>
public sealed class OpenAITokenizersTests
{
    /// <summary>"お誕生日おめでとう" is 8 tokens in o200k_base and 9 in cl100k_base (OpenAI's cookbook), so the count names the encoding.</summary>
    private const string Probe = "お誕生日おめでとう";

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini-2024-07-18")]
    [InlineData("chatgpt-4o-latest")]
    [InlineData("gpt-4.1")]
    [InlineData("gpt-4.1-mini")]
    [InlineData("gpt-4.5-preview")]
    [InlineData("gpt-5")]
    [InlineData("gpt-5-mini")]
    [InlineData("o1")]
    [InlineData("o1-mini")]
    [InlineData("o3")]
    [InlineData("o3-mini")]
    [InlineData("o4-mini")]
    [InlineData("gpt-4")]
    [InlineData("gpt-4-turbo")]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-35-turbo")]
    public void Should_pick_the_encoding_microsoft_ml_tokenizers_picks_for_the_model(string model)
    {
        var encoding = OpenAIPromptTokens.EncodingOf(model)!;

        Assert.Equal(
            TiktokenTokenizer.CreateForModel(model).CountTokens(Probe),
            TiktokenTokenizer.CreateForEncoding(encoding.Name).CountTokens(Probe));
        Assert.Equal(encoding == OpenAIEncoding.O200kBase ? 8 : 9, TiktokenTokenizer.CreateForEncoding(encoding.Name).CountTokens(Probe));
    }
}
