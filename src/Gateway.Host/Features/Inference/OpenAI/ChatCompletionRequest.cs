using System.Text.Json.Nodes;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// The OpenAI chat completion request, as documented here. The gateway reads only <c>model</c>,
/// <c>messages</c>, <c>stream</c> and <c>stream_options</c>; every other field (tools, response_format,
/// temperature, ...) reaches an OpenAI-compatible upstream unchanged.
/// </summary>
/// <param name="Model"><c>provider:model</c>, <c>provider/model</c>, a model a provider lists, or an alias (a fallback chain).</param>
/// <param name="StreamOptions"><c>{"include_usage": true}</c> adds the final usage chunk to a stream.</param>
internal sealed record ChatCompletionRequest(
    string Model, IReadOnlyList<JsonObject> Messages, bool? Stream, JsonObject? StreamOptions, int? MaxCompletionTokens, double? Temperature)
{
    public static ChatCompletionRequest Example { get; } = new(
        "gemini:gemini-2.5-flash",
        [new JsonObject { ["role"] = "user", ["content"] = "Write a haiku about key rotation." }],
        true,
        new JsonObject { ["include_usage"] = true },
        256,
        0.7);
}
