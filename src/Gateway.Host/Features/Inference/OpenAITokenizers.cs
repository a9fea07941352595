using System.Collections.Concurrent;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Microsoft.ML.Tokenizers;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// OpenAI's own tokenizers (tiktoken's o200k_base and cl100k_base, from the Microsoft.ML.Tokenizers data
/// packages), for counting a prompt where an OpenAI-compatible upstream cannot. Each holds a vocabulary of
/// 100,000 to 200,000 entries (tens of MB, a few hundred ms to load): loaded on the first count that needs
/// it and kept, so ordinary requests never pay for them.
/// </summary>
internal static class OpenAITokenizers
{
    private static readonly ConcurrentDictionary<OpenAIEncoding, Lazy<Tokenizer>> Loaded = new();

    /// <summary>The prompt's tokens as the model's own tokenizer counts them, or null when the model is not of an OpenAI family.</summary>
    public static int? CountPrompt(ChatRequest request, string model)
    {
        if (OpenAIPromptTokens.EncodingOf(model) is not { } encoding)
            return null;
        var tokenizer = Loaded.GetOrAdd(encoding, e => new Lazy<Tokenizer>(() => TiktokenTokenizer.CreateForEncoding(e.Name))).Value;
        return OpenAIPromptTokens.Count(OpenAIChatRequestWriter.Write(request, model), encoding, text => tokenizer.CountTokens(text));
    }
}
