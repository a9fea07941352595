using System.Text;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// An answer's text as the one content string of a chat completion. In a tool loop the text a model wrote before the
/// gateway ran its tool and the text of the next call are two turns: where the first does not end in white space, a
/// blank line goes between them, or Claude's "Let me look that up." and the answer after the search run together as
/// one sentence. Dialects with a part per text (Anthropic's blocks, Gemini's parts) keep them apart by themselves.
/// </summary>
internal static class OpenAIAnswerText
{
    public const string TurnBreak = "\n\n";

    public static string Of(IEnumerable<ChatPart> parts)
    {
        var text = new StringBuilder();
        var afterTool = false;
        foreach (var part in parts)
        {
            if (part is ServerToolResultPart)
                afterTool = true;
            else if (part is TextPart { Text.Length: > 0 } said)
            {
                text.Append(Next(text, said.Text, afterTool));
                afterTool = false;
            }
        }

        return text.ToString();
    }

    /// <summary>The next piece of text as it goes out after <paramref name="before"/>: behind a blank line when it is the first after a tool ran.</summary>
    public static string Next(StringBuilder before, string text, bool afterTool) =>
        afterTool && before.Length > 0 && !char.IsWhiteSpace(before[^1]) ? TurnBreak + text : text;
}
