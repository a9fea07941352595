using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Inference.Relaying;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// Reads OpenAI chunks as they pass: usage from the chunk that carries it, content characters for an
/// estimate, and holds back the usage-only chunk when the gateway asked for it and the client did not.
/// </summary>
internal sealed class OpenAIPassthroughEvents(bool holdBackUsageChunk) : PassthroughEvents
{
    private ChatUsage? _usage;

    public override ChatUsage? Usage => _usage;

    public override string Failure(StreamFault fault) => OpenAIChunkWriter.ErrorEvent(fault.Status, fault.Code, fault.Message);

    protected override bool Read(JsonElement data)
    {
        var usage = OpenAIChatResponseReader.ReadUsage(data);
        _usage = usage ?? _usage;
        var choices = data.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
        if (choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    OutputChars += content.GetString()!.Length;
            }
        }

        return holdBackUsageChunk && usage is not null && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0;
    }
}
