namespace Gateway.Domain.Chat;

/// <summary>
/// Gateway tool calls of earlier turns as every upstream is sent them: the function call the model made (named
/// <see cref="GatewayToolNames.Type"/>, as the loop offered it) and that function's result, so that an upstream of any
/// dialect sees a plain function-calling history and never a block it does not know.
/// </summary>
public static class ServerToolHistory
{
    public static IEnumerable<ChatMessage> AsFunctionCalls(IEnumerable<ChatMessage> messages) =>
        messages.Select(m => m.Parts.Any(p => p is ServerToolCallPart or ServerToolResultPart) ? m with { Parts = [.. m.Parts.Select(AsFunctionCall)] } : m);

    public static ChatPart AsFunctionCall(ChatPart part) => part switch
    {
        ServerToolCallPart call => new ToolCallPart(call.Id, GatewayToolNames.Type(call.Kind), call.ArgumentsJson),
        ServerToolResultPart result => new ToolResultPart(result.ToolCallId, result.Text),
        _ => part,
    };
}
