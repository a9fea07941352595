using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// Reads Anthropic's events as they pass to an Anthropic client untouched: the prompt's tokens from
/// message_start, the output's from message_delta (cumulative; newer API versions repeat the input counts
/// there too), and the characters of text, thinking and tool input for an estimate if the client leaves.
/// </summary>
internal sealed class AnthropicSseInspector : SseForwarder.SseInspector
{
    private ChatUsage _prompt = ChatUsage.None;
    private int? _output;

    public override ChatUsage? Usage => _output is { } output ? _prompt with { CompletionTokens = output } : null;

    public override string Failure(StreamFault fault) => AnthropicEventWriter.Error(fault);

    protected override bool Read(JsonElement data)
    {
        switch (data.TryGetProperty("type", out var type) ? type.GetString() : null)
        {
            case "message_start" when data.TryGetProperty("message", out var message) && message.TryGetProperty("usage", out var usage):
                _prompt = AnthropicMessages.Usage(usage);
                break;
            case "message_delta" when data.TryGetProperty("usage", out var usage):
                if (usage.TryGetProperty("input_tokens", out var input) && input.ValueKind == JsonValueKind.Number)
                    _prompt = AnthropicMessages.Usage(usage);
                _output = AnthropicMessages.Usage(usage).CompletionTokens;
                break;
            case "content_block_delta" when data.TryGetProperty("delta", out var delta):
                foreach (var field in (string[])["text", "thinking", "partial_json"])
                {
                    if (delta.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                        ContentChars += text.GetString()!.Length;
                }

                break;
        }

        return false;
    }
}
