namespace Gateway.Domain.Chat;

/// <summary>
/// A prompt's token count where the upstream cannot count it: about four characters a token (English
/// prose runs near that; code and other scripts run denser, so this can fall short), and a flat
/// <see cref="TokensPerImage"/> per image, whose size the gateway does not decode.
/// </summary>
public static class TokenEstimate
{
    /// <summary>Anthropic's figure for an image of about 1 megapixel (width × height / 750).</summary>
    public const int TokensPerImage = 1600;

    public static int Of(ChatRequest request)
    {
        long chars = (request.System?.Length ?? 0)
            + request.Tools.Sum(t => t.Name.Length + (t.Description?.Length ?? 0) + t.ParametersJson.Length)
            + request.Messages.SelectMany(m => m.Parts).Sum(p => p switch
            {
                TextPart text => text.Text.Length,
                ToolCallPart call => call.Name.Length + call.ArgumentsJson.Length,
                ToolResultPart result => result.Content.Length,
                ServerToolCallPart call => call.Name.Length + call.ArgumentsJson.Length,
                ServerToolResultPart result => result.Text.Length,
                _ => 0,
            });
        var images = request.Messages.SelectMany(m => m.Parts).Count(p => p is ImagePart);
        return (int)Math.Min(int.MaxValue, (chars + 3) / 4 + (long)images * TokensPerImage);
    }
}
