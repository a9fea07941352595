using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>The request's <c>input</c>: a string (one user message) or its items, each checked by its type.</summary>
public static partial class OpenAIResponsesRequestValidator
{
    private static readonly string[] MessageRoles = ["user", "assistant", "system", "developer"];
    private static readonly string[] ItemStatuses = ["in_progress", "completed", "incomplete"];
    private static readonly string[] ImageDetails = ["low", "high", "auto", "original"];

    /// <summary>What a user, system or developer message holds, and a tool's output.</summary>
    private static readonly string[] InputParts = ["input_text", "input_image", "input_file"];

    /// <summary>What an assistant message holds: its answer echoed (output_text, refusal), or text written as input.</summary>
    private static readonly string[] AssistantParts = ["output_text", "refusal", "input_text"];

    private static void Input(JsonChecks check, JsonObject body)
    {
        var input = body["input"];
        if (IsString(input))
            return;
        // A continuation or a stored prompt may add nothing of its own.
        var required = body["previous_response_id"] is null && body["prompt"] is null;
        if (input is not JsonArray items)
        {
            check.Expected(input, "input", "a string or an array of input items", required);
            return;
        }

        foreach (var (item, at) in check.Objects(items, "input"))
            Item(check, item, at);
    }

    private static void Item(JsonChecks check, JsonObject item, string at)
    {
        check.OneOf(item["status"], Field(at, "status"), ItemStatuses);
        // A message may leave its type out (an "easy" message); other types are the upstream's to judge.
        switch (item["type"] is null ? "message" : check.String(item["type"], Field(at, "type")))
        {
            case "message":
                var role = check.OneOf(item["role"], Field(at, "role"), MessageRoles, required: true);
                check.String(item["id"], Field(at, "id"));
                if (role is not null)
                    Content(check, item["content"], Field(at, "content"), role == "assistant" ? AssistantParts : InputParts, "a string or an array of content parts");
                break;
            case "function_call":
                Call(check, item, at);
                check.String(item["arguments"], Field(at, "arguments"), required: true);
                break;
            case "custom_tool_call":
                Call(check, item, at);
                check.String(item["input"], Field(at, "input"), required: true);
                break;
            case "function_call_output" or "custom_tool_call_output":
                check.String(item["call_id"], Field(at, "call_id"), required: true);
                check.String(item["id"], Field(at, "id"));
                Content(check, item["output"], Field(at, "output"), InputParts, "a string or an array of input_text, input_image and input_file parts");
                break;
            case "reasoning":
                check.String(item["id"], Field(at, "id"));
                check.String(item["encrypted_content"], Field(at, "encrypted_content"));
                if (check.Array(item["summary"], Field(at, "summary"), required: true) is { } summary)
                {
                    foreach (var (part, path) in check.Objects(summary, Field(at, "summary")))
                        check.String(part["text"], Field(path, "text"), required: true);
                }

                break;
            case "item_reference":
                check.String(item["id"], Field(at, "id"), required: true);
                break;
        }
    }

    /// <summary>A tool call as the model made it, echoed back: by its call id and name, in a namespace when the tool was in one.</summary>
    private static void Call(JsonChecks check, JsonObject item, string at)
    {
        check.String(item["call_id"], Field(at, "call_id"), required: true);
        check.String(item["name"], Field(at, "name"), required: true);
        check.String(item["namespace"], Field(at, "namespace"));
        check.String(item["id"], Field(at, "id"));
    }

    private static void Content(JsonChecks check, JsonNode? content, string path, string[] allowed, string what)
    {
        if (IsString(content))
            return;
        if (content is not JsonArray parts)
        {
            check.Expected(content, path, what, required: true);
            return;
        }

        foreach (var (part, at) in check.Objects(parts, path))
        {
            switch (check.OneOf(part["type"], Field(at, "type"), allowed, required: true))
            {
                case "input_text" or "output_text":
                    check.String(part["text"], Field(at, "text"), required: true);
                    break;
                case "refusal":
                    check.String(part["refusal"], Field(at, "refusal"), required: true);
                    break;
                case "input_image":
                    check.OneOf(part["detail"], Field(at, "detail"), ImageDetails);
                    check.String(part["file_id"], Field(at, "file_id"));
                    check.String(part["image_url"], Field(at, "image_url"));
                    if (part["image_url"] is null && part["file_id"] is null)
                        check.Add(at, "needs an image_url or a file_id");
                    break;
                case "input_file":
                    foreach (var field in new[] { "file_id", "file_data", "file_url", "filename" })
                        check.String(part[field], Field(at, field));
                    break;
            }
        }
    }
}
