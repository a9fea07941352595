using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Host.Features.Inference.Relaying;

namespace Gateway.Host.Features.Inference.Anthropic;

/// <summary>
/// Reads Anthropic's events as they pass to an Anthropic client untouched: the prompt's tokens (cache reads
/// and writes included) from message_start, the output's from message_delta (cumulative; newer API versions
/// repeat the input and cache counts there too, and the latest of each stands), and the characters of text,
/// thinking and tool input for an estimate if the client leaves.
/// </summary>
internal sealed class AnthropicPassthroughEvents : PassthroughEvents
{
    private ChatUsage? _started;
    private ChatUsage? _finished;

    /// <summary>Known once message_delta reported the output; until then the output is unknown and estimated.</summary>
    public override ChatUsage? Usage => _finished;

    public override string Failure(StreamFault fault) => AnthropicEventWriter.ErrorEvent(fault.Status, fault.Message);

    protected override bool Read(JsonElement data)
    {
        switch (data.TryGetProperty("type", out var type) ? type.GetString() : null)
        {
            case "message_start" when data.TryGetProperty("message", out var message) && message.TryGetProperty("usage", out var usage):
                _started = AnthropicUsage.Read(usage);
                break;
            case "message_delta" when data.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object:
                _finished = AnthropicUsage.Read(usage, _finished ?? _started);
                break;
            case "content_block_delta" when data.TryGetProperty("delta", out var delta):
                foreach (var field in (string[])["text", "thinking", "partial_json"])
                {
                    if (delta.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                        OutputChars += text.GetString()!.Length;
                }

                break;
        }

        return false;
    }
}
