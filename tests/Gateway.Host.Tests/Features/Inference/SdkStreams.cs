using System.Text;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Features.Inference;

internal static class SdkStreams
{
    /// <summary>Streams one user message through the official SDK and returns the text of every update, joined.</summary>
    public static async Task<string> TextAsync(ChatClient client, string message)
    {
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(message)], cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
        }

        return text.ToString();
    }
}
