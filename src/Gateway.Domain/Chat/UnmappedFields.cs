using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// The request fields a translation through the canonical model cannot carry, per client dialect: what
/// the readers drop silently (each with its reason in their docs). With strict translation on, a request
/// that names any of them is refused instead of answered without them. A same-dialect upstream (the
/// passthrough) carries everything, so this applies only when translating.
/// </summary>
public static class UnmappedFields
{
    private static readonly HashSet<string> OpenAIChatFields =
    [
        "model", "messages", "stream", "stream_options", "max_completion_tokens", "max_tokens", "parallel_tool_calls", "reasoning_effort",
        "response_format", "stop", "temperature", "tool_choice", "tools", "top_p", "user",

        // Not dropped: decided per upstream (OpenAINativeTools).
        "web_search_options",
    ];

    /// <summary>
    /// What a Responses translation carries, and the fields it drops that change no answer: state and hints the gateway
    /// handles itself or that only steer OpenAI's own caching and accounting (<c>store</c>, <c>metadata</c>,
    /// <c>previous_response_id</c>, <c>prompt_cache_key</c>, <c>client_metadata</c>, ...). Listing them would refuse every
    /// request of Codex, which sends most of them.
    /// </summary>
    private static readonly HashSet<string> OpenAIResponsesFields =
    [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "max_output_tokens", "temperature", "top_p",
        "stream", "stream_options", "include", "store", "metadata", "previous_response_id", "prompt_cache_key", "prompt_cache_retention",
        "client_metadata", "safety_identifier", "user",

        // Refused by the validator when set to anything the gateway does not do.
        "background", "conversation",

        // Checked apart: only its "auto" is dropped.
        "truncation",
    ];

    /// <summary>What <c>include</c> asks for that a translation cannot give (the others it gives, or they add nothing to the answer).</summary>
    private static readonly HashSet<string> UnmappedIncludes = ["message.output_text.logprobs"];

    private static readonly HashSet<string> AnthropicFields =
    [
        "model", "messages", "max_tokens", "metadata", "stop_sequences", "stream", "system", "temperature", "thinking", "tool_choice", "tools", "top_p",
    ];

    /// <summary>"model" is the gateway's own addition (from the path); the rest are GenerateContentRequest's.</summary>
    private static readonly HashSet<string> GeminiFields = ["model", "contents", "systemInstruction", "generationConfig", "tools", "toolConfig"];

    private static readonly HashSet<string> GeminiGenerationConfigFields =
    [
        "temperature", "topP", "maxOutputTokens", "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig",
        "candidateCount", "responseModalities",
    ];

    /// <summary>Fields of an OpenAI chat request the canonical model drops (logprobs, n, seed, penalties, ...).</summary>
    public static IReadOnlyList<string> OfOpenAIChat(JsonObject body) => [.. Outside(body, OpenAIChatFields, "")];

    /// <summary>
    /// Fields of a Responses API request the canonical model drops (service_tier, top_logprobs, max_tool_calls, prompt,
    /// ...), <c>truncation: "auto"</c> (the gateway never cuts the input short to fit), <c>text.verbosity</c>, and what
    /// <c>include</c> asks for that it cannot give (logprobs).
    /// </summary>
    public static IReadOnlyList<string> OfOpenAIResponses(JsonObject body)
    {
        var found = Outside(body, OpenAIResponsesFields, "").ToList();
        if (JsonText.Of(body["truncation"]) == "auto")
            found.Add("truncation 'auto'");
        if (body["text"]?["verbosity"] is not null)
            found.Add("text.verbosity");
        found.AddRange((body["include"] as JsonArray ?? []).Select(JsonText.Of).OfType<string>().Where(UnmappedIncludes.Contains).Select(i => $"include '{i}'"));
        return found;
    }

    /// <summary>
    /// Fields of an Anthropic Messages request the canonical model drops (top_k, service_tier, ...), and
    /// every <c>cache_control</c> mark, which other upstreams cannot honour.
    /// </summary>
    public static IReadOnlyList<string> OfAnthropicMessages(JsonObject body)
    {
        var found = Outside(body, AnthropicFields, "").ToList();
        if (Contains(body, "cache_control"))
            found.Add("cache_control");
        return found;
    }

    /// <summary>Fields of a Gemini request the canonical model drops (safetySettings, labels, generationConfig.topK, ...).</summary>
    public static IReadOnlyList<string> OfGeminiGenerateContent(JsonObject body)
    {
        var found = Outside(body, GeminiFields, "").ToList();
        if (body["generationConfig"] is JsonObject config)
            found.AddRange(Outside(config, GeminiGenerationConfigFields, "generationConfig."));
        return found;
    }

    private static IEnumerable<string> Outside(JsonObject body, HashSet<string> mapped, string prefix) =>
        body.Select(f => f.Key).Where(k => !mapped.Contains(k)).Order(StringComparer.Ordinal).Select(k => prefix + k);

    private static bool Contains(JsonNode? node, string name) => node switch
    {
        JsonObject o => o.Any(p => p.Key == name || Contains(p.Value, name)),
        JsonArray a => a.Any(i => Contains(i, name)),
        _ => false,
    };
}
