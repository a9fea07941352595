using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A Responses request's <c>tools</c> and <c>tool_choice</c> in the canonical model, named by <see cref="ResponsesToolNames"/>.
/// Function tools are flat (<c>{"type":"function","name":...,"parameters":...}</c>, no <c>function</c> wrapper as in chat).
/// A custom tool takes free text: it becomes a function of one string parameter, <c>input</c>, its grammar (when it has
/// one) told to the model in the description, as no other provider constrains a call to a grammar. Namespaces are
/// flattened. The gateway's own entries and the hosted tools that it can stand in for (<see cref="OpenAIResponsesNativeTools"/>)
/// are skipped, as the other readers skip theirs; any other hosted tool runs only at OpenAI and is refused.
/// <c>allowed_tools</c> narrows the tools the model is offered to those it lists, its mode the choice among them.
/// </summary>
internal static class OpenAIResponsesTools
{
    /// <summary>The parameters of the function a custom tool becomes.</summary>
    public const string CustomParameters = """{"type":"object","properties":{"input":{"type":"string","description":"The tool's whole input, as free text."}},"required":["input"],"additionalProperties":false}""";

    private const string NoParameters = """{"type":"object","properties":{}}""";

    public static (List<ChatTool> Tools, ChatToolChoice? Choice) Read(JsonObject body, ResponsesToolNames names, List<string> problems)
    {
        var tools = new List<ChatTool>();
        foreach (var (tool, i) in (body["tools"] as JsonArray ?? []).Select((t, i) => (t as JsonObject, i)))
        {
            var type = JsonText.Of(tool?["type"]);
            if (tool is null || GatewayToolEntries.KindOfType(tool) is not null || OpenAIResponsesNativeTools.KindOf(type) is not null)
                continue;
            switch (type)
            {
                case "function" or "custom":
                    tools.Add(Tool(tool, names.Canonical(JsonText.Of(tool["name"]) ?? "", null), type == "custom"));
                    break;
                case "namespace":
                    var space = JsonText.Of(tool["name"]) ?? "";
                    tools.AddRange((tool["tools"] as JsonArray ?? []).OfType<JsonObject>().Select(member =>
                        Tool(member, names.Canonical(JsonText.Of(member["name"]) ?? "", space), JsonText.Of(member["type"]) == "custom", Within(space, tool))));
                    break;
                default:
                    problems.Add($"tools[{i}] is OpenAI's hosted tool '{type}', which only OpenAI's Responses API can run");
                    break;
            }
        }

        var choice = body["tool_choice"];
        if (choice is JsonObject { } allowed && JsonText.Of(allowed["type"]) == "allowed_tools")
        {
            var listed = (allowed["tools"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(t => Listed(t, body, names)).ToHashSet(StringComparer.Ordinal);
            tools.RemoveAll(t => !listed.Contains(t.Name));
            return (tools, new ChatToolChoice(JsonText.Of(allowed["mode"]) == "required" ? ToolChoiceKind.Required : ToolChoiceKind.Auto));
        }

        return (tools, Choice(choice, names, problems));
    }

    /// <summary>The client's own functions (function, custom and namespace tools), by their canonical names, read from a body the validator accepted.</summary>
    public static IReadOnlyList<DeclaredFunction> DeclaredFunctions(JsonObject body)
    {
        var names = ResponsesToolNames.Of(body);
        var declared = new List<DeclaredFunction>();
        foreach (var (tool, i) in (body["tools"] as JsonArray ?? []).Select((t, i) => (t as JsonObject, i)))
        {
            var type = JsonText.Of(tool?["type"]);
            if (type is "function" or "custom" && JsonText.Of(tool!["name"]) is { } name)
                declared.Add(new DeclaredFunction(names.Canonical(name, null), $"tools[{i}].name"));
            if (type != "namespace")
                continue;
            var space = JsonText.Of(tool!["name"]) ?? "";
            foreach (var (member, j) in (tool["tools"] as JsonArray ?? []).Select((m, j) => (m, j)))
            {
                if (JsonText.Of(member?["name"]) is { } inner)
                    declared.Add(new DeclaredFunction(names.Canonical(inner, space), $"tools[{i}].tools[{j}].name"));
            }
        }

        return declared;
    }

    /// <summary>What a namespace tells the model about its tools, which flattening would otherwise lose.</summary>
    private static string Within(string space, JsonObject tool) =>
        JsonText.Of(tool["description"]) is { Length: > 0 } about ? $"(One of the tools of {space}: {about})" : $"(One of the tools of {space}.)";

    private static ChatTool Tool(JsonObject tool, string name, bool custom, string? within = null)
    {
        var description = JsonText.Of(tool["description"]);
        if (within is not null)
            description = description is null ? within : description + "\n\n" + within;
        if (!custom)
            return new ChatTool(name, description, tool["parameters"] is JsonObject parameters ? parameters.ToJsonString() : NoParameters);
        if (tool["format"] is JsonObject { } format && JsonText.Of(format["type"]) == "grammar")
        {
            var grammar = $"The input must follow this {JsonText.Of(format["syntax"])} grammar:\n{JsonText.Of(format["definition"])}";
            description = description is null ? grammar : description + "\n\n" + grammar;
        }

        return new ChatTool(name, description, CustomParameters);
    }

    /// <summary>The canonical names an <c>allowed_tools</c> entry lets the model call: a tool, or every tool of a namespace.</summary>
    private static IEnumerable<string> Listed(JsonObject entry, JsonObject body, ResponsesToolNames names)
    {
        var name = JsonText.Of(entry["name"]);
        switch (JsonText.Of(entry["type"]))
        {
            case "function" or "custom" when name is not null:
                yield return names.Canonical(name, JsonText.Of(entry["namespace"]));
                break;
            case "namespace" when name is not null:
                var space = (body["tools"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(t => JsonText.Of(t["type"]) == "namespace" && JsonText.Of(t["name"]) == name);
                foreach (var member in (space?["tools"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (JsonText.Of(member["name"]) is { } inner)
                        yield return names.Canonical(inner, name);
                }

                break;
        }
    }

    private static ChatToolChoice? Choice(JsonNode? choice, ResponsesToolNames names, List<string> problems)
    {
        if (choice is not JsonObject named)
        {
            return JsonText.Of(choice) switch
            {
                "auto" => new ChatToolChoice(ToolChoiceKind.Auto),
                "none" => new ChatToolChoice(ToolChoiceKind.None),
                "required" => new ChatToolChoice(ToolChoiceKind.Required),
                _ => null,
            };
        }

        var type = JsonText.Of(named["type"]);
        if (type is "function" or "custom")
            return new ChatToolChoice(ToolChoiceKind.Named, names.Canonical(JsonText.Of(named["name"]) ?? "", JsonText.Of(named["namespace"])));
        // A gateway tool, or a hosted one it stands in for, is chosen as the function the loop offers the model for it.
        if ((type is null ? null : GatewayToolNames.FromType(type) ?? OpenAIResponsesNativeTools.KindOf(type)) is { } kind)
            return new ChatToolChoice(ToolChoiceKind.Named, GatewayToolNames.Type(kind));
        problems.Add($"tool_choice chooses OpenAI's hosted tool '{type}', which only OpenAI's Responses API can run");
        return null;
    }
}
