using System.Text;
using System.Text.Json;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// Reads OpenAI chunks as they pass: usage from the chunk that carries it, content characters for an
/// estimate, and holds back the usage-only chunk when the gateway asked for it and the client did not.
/// </summary>
internal sealed class OpenAISseInspector(bool holdBackUsageChunk) : SseForwarder.SseInspector
{
    /// <summary>An error the OpenAI SDKs read from a stream that broke off.</summary>
    private static readonly ReadOnlyMemory<byte> Broken = Encoding.UTF8.GetBytes(
        OpenAIChunkWriter.ErrorEvent("the upstream stream broke off before it finished", "upstream_stream_interrupted"));

    private ChatUsage? _usage;

    public override ChatUsage? Usage => _usage;

    public override ReadOnlyMemory<byte> BrokenEvent => Broken;

    public override string Failure(string message) => OpenAIChunkWriter.ErrorEvent(message, "internal_error");

    protected override bool Read(JsonElement data)
    {
        var usage = OpenAIChat.ReadUsage(data);
        _usage = usage ?? _usage;
        var choices = data.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c : default;
        if (choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    ContentChars += content.GetString()!.Length;
            }
        }

        return holdBackUsageChunk && usage is not null && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0;
    }
}
