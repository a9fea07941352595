using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// The canonical request as a request of Anthropic's Messages API, for an Anthropic upstream reached from another
/// dialect (the upstream side). What Anthropic has no field for is mapped to the nearest behaviour and said so here:
/// <list type="bullet">
/// <item>max_tokens is required by Anthropic: absent, it becomes <see cref="DefaultMaxTokens"/>.</item>
/// <item>A JSON schema goes out as Anthropic's structured outputs (<c>output_config.format</c> of type json_schema), the schema
/// made what Anthropic takes (<see cref="AnthropicSchema"/>). JSON mode without a schema has no native form, since Anthropic
/// requires every object of a schema to be closed and so cannot be asked for "any object": it becomes a system instruction,
/// as a schema does too where the provider is set to <see cref="StructuredOutputs.Prompt"/>.</item>
/// <item>An exact thinking budget is kept (at least Anthropic's 1024); an effort becomes an extended-thinking budget.</item>
/// <item>Tool results are user messages of tool_result blocks; consecutive ones are merged, as Anthropic requires.</item>
/// <item>Gateway tool calls of earlier turns go out as the tool_use and tool_result they were (<see cref="ServerToolHistory"/>),
/// not as server_tool_use blocks, which Anthropic would take for its own.</item>
/// </list>
/// </summary>
public static class AnthropicRequestWriter
{
    public const int DefaultMaxTokens = 4096;

    /// <summary>What count_tokens takes of a Messages request: no max_tokens, sampling or stream.</summary>
    private static readonly string[] CountFields = ["model", "messages", "system", "tools", "tool_choice", "thinking", "output_config"];

    public static JsonObject Write(ChatRequest request, string model, StructuredOutputs structuredOutputs = StructuredOutputs.Native)
    {
        var system = request.System;
        JsonObject? outputFormat = null;
        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
        {
            if (format.SchemaJson is { } schema && structuredOutputs == StructuredOutputs.Native)
            {
                outputFormat = new JsonObject { ["type"] = "json_schema", ["schema"] = AnthropicSchema.ForStructuredOutputs(JsonNode.Parse(schema)!) };
            }
            else
            {
                var instruction = format.SchemaJson is null
                    ? "Respond with a single JSON object and nothing else."
                    : $"Respond with a single JSON object that conforms to this JSON Schema, and nothing else: {format.SchemaJson}";
                system = system is null ? instruction : system + "\n\n" + instruction;
            }
        }

        // Anthropic's smallest thinking budget is 1024 tokens; 0 leaves thinking off.
        var thinking = request.ThinkingBudget is { } budget ? budget > 0 ? Math.Max(budget, 1024) : 0 : request.Reasoning switch
        {
            ReasoningEffort.Low => 1024,
            ReasoningEffort.Medium => 4096,
            ReasoningEffort.High => 16384,
            _ => 0,
        };
        var maxTokens = request.MaxTokens ?? DefaultMaxTokens;
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = thinking > 0 ? Math.Max(maxTokens, thinking + 1024) : maxTokens,
            ["messages"] = Messages([.. ServerToolHistory.ForUpstream(request)]),
        };
        if (system is not null)
            body["system"] = system;
        if (request.Temperature is { } temperature && thinking == 0)
            body["temperature"] = Math.Min(temperature, 1.0);
        if (request.TopP is { } topP && thinking == 0)
            body["top_p"] = topP;
        if (request.Stop.Count > 0)
            body["stop_sequences"] = new JsonArray([.. request.Stop.Select(s => (JsonNode)s)]);
        if (thinking > 0)
            body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = thinking };
        if (outputFormat is not null)
            body["output_config"] = new JsonObject { ["format"] = outputFormat };
        if (request.User is not null)
            body["metadata"] = new JsonObject { ["user_id"] = request.User };
        if (request.Stream)
            body["stream"] = true;
        // With tool_choice none the tools still go: Anthropic refuses a request whose history holds tool_use or
        // tool_result blocks without them (a loop's last round has that history).
        if (request.Tools.Count > 0)
        {
            body["tools"] = new JsonArray([.. request.Tools.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Name,
                ["description"] = t.Description,
                ["input_schema"] = JsonNode.Parse(t.ParametersJson),
            })]);
            JsonObject? choice = request.ToolChoice?.Kind switch
            {
                ToolChoiceKind.Required => new JsonObject { ["type"] = "any" },
                ToolChoiceKind.Named => new JsonObject { ["type"] = "tool", ["name"] = request.ToolChoice.Name },
                ToolChoiceKind.Auto => new JsonObject { ["type"] = "auto" },
                ToolChoiceKind.None => new JsonObject { ["type"] = "none" },
                _ => null,
            };
            if (request.ParallelToolCalls == false && request.ToolChoice?.Kind != ToolChoiceKind.None)
                (choice ??= new JsonObject { ["type"] = "auto" })["disable_parallel_tool_use"] = true;
            if (choice is not null)
                body["tool_choice"] = choice;
        }

        return body;
    }

    /// <summary>A count_tokens request (<see cref="AnthropicApi.CountTokensPath"/>) for the prompt the request would send.</summary>
    public static JsonObject WriteCount(ChatRequest request, string model, StructuredOutputs structuredOutputs = StructuredOutputs.Native)
    {
        var messages = Write(request, model, structuredOutputs);
        var count = new JsonObject();
        foreach (var field in CountFields.Where(messages.ContainsKey))
            count[field] = messages[field]!.DeepClone();
        return count;
    }

    private static JsonArray Messages(IReadOnlyList<ChatMessage> messages)
    {
        var result = new JsonArray();
        JsonObject? previous = null;
        foreach (var message in messages)
        {
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = new JsonArray([.. message.Parts.Select(AnthropicBlocks.Write).OfType<JsonNode>()]);
            // Anthropic wants roles to alternate: tool results after tool results (or a user turn) join it.
            if (previous is not null && (string?)previous["role"] == role && role == "user")
            {
                foreach (var block in blocks.ToList())
                {
                    blocks.Remove(block);
                    ((JsonArray)previous["content"]!).Add(block);
                }

                continue;
            }

            previous = new JsonObject { ["role"] = role, ["content"] = blocks };
            result.Add(previous);
        }

        return result;
    }
}
