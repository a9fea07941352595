using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;
using Gateway.Host.Features.Inference.Relaying;

namespace Gateway.Host.Features.Inference.Gemini;

/// <summary>
/// Reads Gemini's <c>alt=sse</c> chunks as they pass to a Gemini client untouched: usageMetadata (each
/// chunk that has it carries the running totals, so the last one wins) and the characters of text for an
/// estimate if the client leaves before the end.
/// </summary>
internal sealed class GeminiPassthroughEvents : PassthroughEvents
{
    private ChatUsage? _usage;

    public override ChatUsage? Usage => _usage;

    public override string Failure(StreamFault fault) => GeminiEventWriter.ErrorEvent(fault.Status, fault.Message);

    protected override bool Read(JsonElement data)
    {
        _usage = GeminiResponseReader.ReadUsage(data) ?? _usage;
        if (data.TryGetProperty("candidates", out var candidates) && candidates.ValueKind == JsonValueKind.Array)
        {
            foreach (var candidate in candidates.EnumerateArray())
            {
                if (!candidate.TryGetProperty("content", out var content) || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
                    continue;
                foreach (var part in parts.EnumerateArray())
                {
                    if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                        OutputChars += text.GetString()!.Length;
                }
            }
        }

        return false;
    }
}
