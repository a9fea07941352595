using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Inference.Relaying;

namespace Gateway.Host.Features.Inference.Responses;

/// <summary>
/// Reads the Responses API's events as they pass to a Responses client untouched: the usage from the terminal
/// event's response object, the characters of text, reasoning and call arguments for an estimate if it never comes,
/// and the last sequence number and response object, so that a stream the gateway has to end goes on numbering and
/// fails the response the client already holds.
/// </summary>
internal sealed class ResponsesPassthroughEvents : PassthroughEvents
{
    private ChatUsage? _usage;
    private int _nextSequence;
    // The response object's JSON text, not a node over the element: the event's document is gone once Read returns.
    private string? _response;

    public override ChatUsage? Usage => _usage;

    public override string Failure(StreamFault fault) =>
        OpenAIResponsesEventWriter.ErrorFrames(fault.Status, fault.Code, fault.Message, _nextSequence, _response is null ? null : JsonNode.Parse(_response)!.AsObject());

    protected override bool Read(JsonElement data)
    {
        if (data.TryGetProperty("sequence_number", out var sequence) && sequence.TryGetInt32(out var number))
            _nextSequence = number + 1;
        var type = data.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "response.created" or "response.in_progress" or "response.completed" or "response.incomplete" or "response.failed"
                when data.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object:
                _response = response.GetRawText();
                _usage = OpenAIResponsesUsage.Read(response) ?? _usage;
                break;
            case "response.output_text.delta" or "response.reasoning_summary_text.delta" or "response.reasoning_text.delta" or "response.function_call_arguments.delta"
                when data.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.String:
                OutputChars += delta.GetString()!.Length;
                break;
        }

        return false;
    }
}
