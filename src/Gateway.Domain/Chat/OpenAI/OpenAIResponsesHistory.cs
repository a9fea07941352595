using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>One stored response of a conversation: its request's own input items (normalised, <see cref="OpenAIResponsesHistory.Normalise"/>) and its output items.</summary>
public sealed record ResponsesTurn(JsonArray Input, JsonArray Output);

/// <summary>
/// The conversation a <c>previous_response_id</c> continues, as the input items any upstream can be sent in its place:
/// each earlier response's input then its output, oldest first, then the new request's input. Its <c>instructions</c>
/// are the new request's alone, as OpenAI's are: an earlier response's are not among its input items. Item ids are left
/// out where the API makes them optional (messages, calls and their outputs): an upstream that did not make them, or
/// made them under another account, would look them up and fail. Other items keep theirs, as the API requires them
/// (the gateway's tool items carry their call in it). Reasoning items are kept only with their
/// <c>encrypted_content</c>, the one form in which an upstream takes back reasoning it does not hold.
/// </summary>
public static class OpenAIResponsesHistory
{
    /// <summary>The item types whose <c>id</c> the API takes as optional, left out of an expanded conversation.</summary>
    private static readonly HashSet<string> OptionalIds = ["message", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output"];

    /// <summary>The prefix of the id each item type gets when the client gave it none (<c>item</c> for the rest).</summary>
    private static readonly Dictionary<string, string> IdPrefixes = new()
    {
        ["message"] = "msg", ["function_call"] = "fc", ["function_call_output"] = "fco", ["custom_tool_call"] = "ctc", ["custom_tool_call_output"] = "ctco", ["reasoning"] = "rs",
    };

    /// <param name="chain">The stored responses the id leads back through, oldest first; the last is the one it names.</param>
    /// <param name="input">The new request's <c>input</c>: a string, its items, or none.</param>
    public static JsonArray Expand(IReadOnlyList<ResponsesTurn> chain, JsonNode? input)
    {
        var expanded = new JsonArray();
        foreach (var turn in chain)
        {
            foreach (var item in turn.Input.Concat(turn.Output).OfType<JsonObject>().Where(Replayable))
                expanded.Add(WithoutOptionalId(item));
        }

        foreach (var item in Items(input))
            expanded.Add(item);
        return expanded;
    }

    /// <summary>
    /// A request's input as it is stored and listed (<c>GET /v1/responses/{id}/input_items</c>): each item typed, a
    /// message's string content as one text part, and an id on every item, the client's own or one made from the
    /// response's id and the item's place (<c>msg_{id}_in_{n}</c>, <c>fco_…</c>, <c>fc_…</c>).
    /// </summary>
    public static JsonArray Normalise(JsonNode? input, string responseId)
    {
        var items = Items(input);
        foreach (var (item, i) in items.Select((item, i) => (item, i)).Where(p => JsonText.Of(p.item["id"]) is null))
        {
            var prefix = IdPrefixes.GetValueOrDefault(JsonText.Of(item["type"]) ?? "", "item");
            item.Insert(0, "id", OpenAIResponsesItems.ItemId(prefix, responseId, string.Create(CultureInfo.InvariantCulture, $"in_{i}")));
        }

        return [.. items];
    }

    /// <summary>The input as items, copied: a string is one user message, a message without a type gets its type, and its string content a text part.</summary>
    private static List<JsonObject> Items(JsonNode? input)
    {
        if (JsonText.Of(input) is { } text)
            return [new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(TextPart("user", text)) }];
        var items = new List<JsonObject>();
        foreach (var node in input as JsonArray ?? [])
        {
            if (node?.DeepClone() is not JsonObject item)
                continue;
            if (item["type"] is null)
                item.Insert(0, "type", "message");
            if (JsonText.Of(item["type"]) == "message" && JsonText.Of(item["content"]) is { } content)
                item["content"] = new JsonArray(TextPart(JsonText.Of(item["role"]), content));
            items.Add(item);
        }

        return items;
    }

    /// <summary>Text the model said is its output_text; anyone else's is input_text.</summary>
    private static JsonObject TextPart(string? role, string text) =>
        role == "assistant" ? OpenAIResponsesItems.OutputText(text, []) : new JsonObject { ["type"] = "input_text", ["text"] = text };

    private static bool Replayable(JsonObject item) =>
        JsonText.Of(item["type"]) != "reasoning" || JsonText.Of(item["encrypted_content"]) is { Length: > 0 };

    private static JsonObject WithoutOptionalId(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        if (OptionalIds.Contains(JsonText.Of(copy["type"]) ?? ""))
            copy.Remove("id");
        return copy;
    }
}
