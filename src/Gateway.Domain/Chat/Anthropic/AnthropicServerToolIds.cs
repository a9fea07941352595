namespace Gateway.Domain.Chat.Anthropic;

/// <summary>The ids of the gateway's <c>server_tool_use</c> blocks, told apart from Anthropic's own <c>srvtoolu_</c> calls.</summary>
public static class AnthropicServerToolIds
{
    public static ServerToolIds Gateway { get; } = new("srvtoolu_gw_");
}
