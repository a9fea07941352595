using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// A client's request of Anthropic's Messages API read into the canonical model, when its model is another dialect's
/// (the client side; an Anthropic upstream is passed the client's body). Deliberately dropped, because no canonical
/// field can carry them to an OpenAI-compatible or Gemini model:
/// <list type="bullet">
/// <item><c>cache_control</c> marks (those upstreams cache prompts on their own terms), <c>top_k</c>,
/// <c>service_tier</c>, <c>container</c>, <c>mcp_servers</c>, <c>context_management</c>.</item>
/// <item><c>thinking</c> and <c>redacted_thinking</c> blocks of earlier assistant turns (their signatures only
/// mean something to Anthropic), and <c>is_error</c> on tool results (the content still says what failed).</item>
/// <item>A thinking budget travels as the nearest reasoning effort: under 4096 low, under 16384 medium, else high.</item>
/// </list>
/// Refused with 400, naming the block: documents, search results, images inside tool results, Anthropic's server tools
/// but its web search and code execution, which are skipped (<see cref="AnthropicNativeTools"/>: the gateway's own tools
/// stand in for them, or the upstream is not sent the request).
/// The gateway's own tools (<c>gateway_web_search</c>, <c>gateway_code_execution</c> entries) are read into
/// <see cref="ChatRequest.GatewayTools"/>, and its server_tool_use blocks echoed in earlier assistant turns, with the results
/// answering them, into the parts they were shown from (<see cref="AnthropicServerToolEchoes"/>).
/// Tool use ids go out with a Gemini call's thought signature inside them and come back apart
/// (<see cref="SignedToolCallId"/>), on tool_use and tool_result blocks alike.
/// </summary>
public static class AnthropicRequestReader
{
    /// <summary>Reads a client's request; the problems name every block or tool that cannot be carried, and there is no request when there are any.</summary>
    public static (ChatRequest? Request, IReadOnlyList<string> Problems) Read(JsonObject body)
    {
        var problems = new List<string>();
        var gatewayTools = GatewayTools(body);
        var echoes = new AnthropicServerToolEchoes(gatewayTools);
        var messages = new List<ChatMessage>();
        foreach (var (node, i) in (body["messages"] as JsonArray ?? []).Select((m, i) => (m as JsonObject, i)))
        {
            var role = (string?)node?["role"];
            if (role is not ("user" or "assistant"))
            {
                problems.Add($"messages[{i}].role must be 'user' or 'assistant'");
                continue;
            }

            var speaker = role == "assistant" ? ChatRole.Assistant : ChatRole.User;
            var parts = new List<ChatPart>();
            foreach (var (block, j) in Blocks(node!["content"]).Select((b, j) => (b, j)))
            {
                var at = $"messages[{i}].content[{j}]";
                var echoed = block is not null && AnthropicServerToolEchoes.IsEcho(block);
                if (echoed && speaker != ChatRole.Assistant)
                {
                    problems.Add($"{at}: {(string?)block!["type"]} blocks belong in assistant turns");
                    continue;
                }

                if ((echoed ? echoes.Read(block!, at, problems) : ReadBlock(block, at, problems)) is not { } part)
                    continue;
                switch (part)
                {
                    // Tool results are turns of their own in the canonical model, ahead of what the user adds.
                    case ToolResultPart:
                        messages.Add(new ChatMessage(ChatRole.Tool, [part]));
                        break;
                    // The gateway's results come amid the assistant's turn: what it said before stays before them.
                    case ServerToolResultPart:
                        Flush(speaker, parts, messages);
                        messages.Add(new ChatMessage(ChatRole.Tool, [part]));
                        break;
                    default:
                        parts.Add(part);
                        break;
                }
            }

            Flush(speaker, parts, messages);
        }

        var tools = new List<ChatTool>();
        foreach (var (tool, i) in (body["tools"] as JsonArray ?? []).Select((t, i) => (t, i)))
        {
            // The gateway's entries are the loop's; Anthropic's own search and code execution are decided per upstream.
            if (GatewayToolEntries.KindOfType(tool) is not null || AnthropicNativeTools.KindOf((string?)tool?["type"]) is not null)
                continue;
            if ((string?)tool?["type"] is { } type && type != "custom")
                problems.Add($"tools[{i}] is Anthropic's server tool '{type}', which only Anthropic models can run");
            else if ((string?)tool?["name"] is { } name)
                tools.Add(new ChatTool(name, (string?)tool["description"], tool["input_schema"]?.ToJsonString() ?? """{"type":"object","properties":{}}"""));
            else
                problems.Add($"tools[{i}].name is required");
        }

        var choice = body["tool_choice"];
        var request = new ChatRequest(
            (string)body["model"]!,
            System(body["system"]),
            messages,
            (int?)body["max_tokens"],
            (double?)body["temperature"],
            (double?)body["top_p"],
            [.. (body["stop_sequences"] as JsonArray ?? []).Select(s => (string?)s).OfType<string>()],
            tools,
            (string?)choice?["type"] switch
            {
                "auto" => new ChatToolChoice(ToolChoiceKind.Auto),
                "any" => new ChatToolChoice(ToolChoiceKind.Required),
                "tool" => new ChatToolChoice(ToolChoiceKind.Named, FunctionNamed((string?)choice!["name"], gatewayTools)),
                "none" => new ChatToolChoice(ToolChoiceKind.None),
                _ => null,
            },
            choice?["disable_parallel_tool_use"]?.GetValueKind() == JsonValueKind.True ? false : null,
            null,
            Effort(body["thinking"]),
            (string?)body["metadata"]?["user_id"],
            body["stream"]?.GetValueKind() == JsonValueKind.True,
            // The exact budget too: Gemini takes it as it is; OpenAI-compatible upstreams only know the effort.
            ThinkingBudget: (string?)body["thinking"]?["type"] == "enabled" ? (int?)body["thinking"]!["budget_tokens"] : null,
            IncludeThinking: (string?)body["thinking"]?["type"] == "enabled",
            GatewayTools: gatewayTools);
        return problems.Count == 0 ? (request, problems) : (null, problems);
    }

    /// <summary>
    /// The request's gateway tool entries (<c>{"type":"gateway_web_search","name":"web_search", ...}</c>), each entry but
    /// its type and name being the tool's options; read from a body the validator accepted, before (and without) the rest.
    /// </summary>
    public static IReadOnlyList<GatewayToolUse> GatewayTools(JsonObject body) => GatewayToolEntries.ByType(body["tools"], named: true);

    /// <summary>
    /// Whether an earlier turn echoes the gateway's server_tool_use blocks or their results (<c>srvtoolu_gw_</c> ids):
    /// an Anthropic upstream would refuse ids it never issued, so such a conversation goes through the canonical form.
    /// </summary>
    public static bool EchoesGatewayTools(JsonObject body) =>
        (body["messages"] as JsonArray ?? []).Any(m => m?["content"] is JsonArray blocks && blocks.Any(b => b is not null && AnthropicServerToolEchoes.IsEcho(b)));

    /// <summary>The client's own tools (no type, or <c>custom</c>), read from a body the validator accepted.</summary>
    public static IReadOnlyList<DeclaredFunction> DeclaredFunctions(JsonObject body) =>
        [.. (body["tools"] as JsonArray ?? []).Select((tool, i) => (string?)tool?["type"] is null or "custom" && (string?)tool?["name"] is { } name
            ? new DeclaredFunction(name, $"tools[{i}].name")
            : null).OfType<DeclaredFunction>()];

    /// <summary>A tool_choice naming a gateway tool by its entry's name names the function the loop offers the model for it.</summary>
    private static string? FunctionNamed(string? name, IReadOnlyList<GatewayToolUse> gatewayTools) =>
        AnthropicServerToolEchoes.UseNamed(name, gatewayTools) is { } use ? GatewayToolNames.Type(use.Kind) : name;

    private static void Flush(ChatRole speaker, List<ChatPart> parts, List<ChatMessage> messages)
    {
        if (parts.Count == 0)
            return;
        messages.Add(new ChatMessage(speaker, [.. parts]));
        parts.Clear();
    }

    private static ChatPart? ReadBlock(JsonNode? block, string at, List<string> problems)
    {
        switch ((string?)block?["type"])
        {
            case "text":
                return new TextPart((string?)block!["text"] ?? "");
            case "image" when block!["source"] is JsonObject source:
                return (string?)source["type"] switch
                {
                    "base64" => new ImagePart((string?)source["media_type"], (string?)source["data"], null),
                    "url" => new ImagePart(null, null, (string?)source["url"]),
                    var other => Refused($"{at}: image sources of type '{other}' are not supported (base64 and url are)"),
                };
            case "tool_use":
                var (id, signature) = SignedToolCallId.Read((string?)block!["id"] ?? "");
                return new ToolCallPart(id, (string?)block["name"] ?? "", block["input"]?.ToJsonString() ?? "{}", signature);
            case "tool_result":
                var content = block!["content"];
                if (content is JsonArray inner && inner.Any(b => (string?)b?["type"] != "text"))
                    return Refused($"{at}: only text can be returned in a tool_result to this model");
                return new ToolResultPart(SignedToolCallId.Read((string?)block["tool_use_id"] ?? "").Id, content is JsonArray texts ? string.Concat(texts.Select(b => (string?)b?["text"])) : (string?)content ?? "");
            case "thinking" or "redacted_thinking":
                return null;
            case var type:
                return Refused($"{at}: blocks of type '{type}' cannot be sent to this model (text, image, tool_use and tool_result can)");
        }

        ChatPart? Refused(string problem)
        {
            problems.Add(problem);
            return null;
        }
    }

    private static JsonArray Blocks(JsonNode? content) =>
        content is JsonArray blocks ? blocks : [new JsonObject { ["type"] = "text", ["text"] = (string?)content ?? "" }];

    private static string? System(JsonNode? system) => system switch
    {
        null => null,
        JsonArray blocks => string.Join("\n\n", blocks.Select(b => (string?)b?["text"]).OfType<string>()),
        _ => (string?)system,
    };

    private static ReasoningEffort? Effort(JsonNode? thinking) =>
        (string?)thinking?["type"] != "enabled" ? null
        : (int?)thinking["budget_tokens"] switch
        {
            < 4096 => ReasoningEffort.Low,
            < 16384 => ReasoningEffort.Medium,
            _ => ReasoningEffort.High,
        };
}
