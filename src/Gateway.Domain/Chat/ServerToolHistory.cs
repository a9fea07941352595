namespace Gateway.Domain.Chat;

/// <summary>
/// Gateway tool calls of earlier turns as every upstream is sent them. Where the request offers the upstream the
/// function the call was made of (a loop offers <see cref="GatewayToolNames.Type"/> for each tool it runs): the function
/// call the model made, its thought signature included, and that function's result, a plain function-calling history.
/// Where it does not (the client echoes the blocks but no longer asks for the tool): the call and its result told in
/// the assistant's turn as text, since an upstream may refuse a call of a function it was not offered (Anthropic:
/// "requests which include tool_use blocks must define tools"). Never a block the upstream does not know.
/// </summary>
public static class ServerToolHistory
{
    public static IReadOnlyList<ChatMessage> ForUpstream(ChatRequest request)
    {
        var offered = request.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var history = new List<ChatMessage>(request.Messages.Count);
        var lastTold = false;
        foreach (var message in request.Messages)
        {
            var told = message.Parts.Any(p => p is ServerToolCallPart or ServerToolResultPart);
            var sent = told ? Told(message, offered) : message;
            // A call or result told as text joins the assistant's turn around it, as the client was shown it.
            if ((told || lastTold) && sent.Role == ChatRole.Assistant && history.Count > 0 && history[^1].Role == ChatRole.Assistant)
            {
                history[^1] = history[^1] with { Parts = [.. history[^1].Parts, .. sent.Parts] };
                lastTold |= told;
                continue;
            }

            history.Add(sent);
            lastTold = told;
        }

        return history;
    }

    private static ChatMessage Told(ChatMessage message, IReadOnlySet<string> offered)
    {
        var parts = message.Parts.Select(p => AsSent(p, offered)).ToList();
        // A result told as text is no longer a tool's turn but the assistant's account of it.
        return message with { Role = message.Role == ChatRole.Tool && parts.All(p => p is TextPart) ? ChatRole.Assistant : message.Role, Parts = parts };
    }

    private static ChatPart AsSent(ChatPart part, IReadOnlySet<string> offered) => part switch
    {
        ServerToolCallPart call when offered.Contains(GatewayToolNames.Type(call.Kind)) =>
            new ToolCallPart(call.Id, GatewayToolNames.Type(call.Kind), call.ArgumentsJson, call.Signature),
        ServerToolCallPart call => new TextPart($"\n[{GatewayToolNames.Type(call.Kind)} called with {call.ArgumentsJson}]\n"),
        ServerToolResultPart result when offered.Contains(GatewayToolNames.Type(result.Kind)) => new ToolResultPart(result.ToolCallId, result.Text),
        ServerToolResultPart result => new TextPart($"[{GatewayToolNames.Type(result.Kind)} result: {result.Text}]\n"),
        _ => part,
    };
}
