using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// The canonical answer as a Responses API response object, for a client whose model is one of an upstream that does not
/// serve the Responses API (the client side). The output is an item per step of the answer, in order: a message for
/// each run of text (its one output_text annotated with the citations of the gateway's searches,
/// <see cref="OpenAICitations"/>), a reasoning item with the thinking as its summary when the client asked for one
/// (<c>reasoning.summary</c>), a <c>function_call</c> or <c>custom_tool_call</c> for each call of the client's tools (under
/// the name and namespace the client declared, <see cref="ResponsesToolNames"/>; call ids with a Gemini call's thought
/// signature inside, <see cref="SignedToolCallId"/>), and the gateway's tool calls as OpenAI's hosted tool items
/// (<see cref="OpenAIResponsesServerToolItems"/>). An answer cut short by its token limit or a content filter is
/// <c>incomplete</c>, with the reason; any other is <c>completed</c>.
/// </summary>
public static class OpenAIResponsesAnswerWriter
{
    /// <param name="id">The response's id, <c>resp_…</c>, which the Host mints (and keeps, when the response is stored).</param>
    /// <param name="createdAt">When the request came, in Unix seconds.</param>
    public static JsonObject Write(ChatResponse response, string id, long createdAt, ResponsesEcho echo)
    {
        var (status, incomplete) = OpenAIResponsesItems.End(response.FinishReason);
        return OpenAIResponsesItems.Response(id, createdAt, echo, response.Model, status, Output(response.Parts, id, echo), response.Usage, incomplete: incomplete);
    }

    private static JsonArray Output(IReadOnlyList<ChatPart> parts, string id, ResponsesEcho echo)
    {
        var output = new JsonArray();
        var results = new Dictionary<string, ServerToolResultPart>();
        foreach (var result in parts.OfType<ServerToolResultPart>())
            results.TryAdd(result.ToolCallId, result);
        var searches = new List<WebSearchOutcome>();
        StringBuilder? text = null;
        foreach (var part in parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } said:
                    (text ??= new StringBuilder()).Append(said.Text);
                    break;
                case ServerToolResultPart { Outcome: WebSearchOutcome search }:
                    searches.Add(search);
                    break;
                case ThinkingPart { Text.Length: > 0 } thinking when echo.ShowsReasoning:
                    CloseText();
                    output.Add(OpenAIResponsesItems.Reasoning(OpenAIResponsesItems.ItemId("rs", id, output.Count), [OpenAIResponsesItems.SummaryText(thinking.Text)]));
                    break;
                case ToolCallPart call:
                    CloseText();
                    output.Add(OpenAIResponsesItems.Call(id, output.Count, echo.Tools.Client(call.Name), SignedToolCallId.Write(call.Id, call.Signature), "completed", call.ArgumentsJson));
                    break;
                case ServerToolCallPart call:
                    CloseText();
                    output.Add(OpenAIResponsesServerToolItems.Item(call, results.GetValueOrDefault(call.Id)));
                    break;
            }
        }

        CloseText();
        return output;

        void CloseText()
        {
            if (text is null)
                return;
            var said = text.ToString();
            output.Add(OpenAIResponsesItems.Message(OpenAIResponsesItems.ItemId("msg", id, output.Count), "completed",
                [OpenAIResponsesItems.OutputText(said, OpenAICitations.Flat(said, searches))]));
            text = null;
        }
    }
}
