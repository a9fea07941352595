using System.Text.Json;

namespace Gateway.Domain.Chat;

/// <summary>
/// An upstream's error as a code and a message, for a client of another dialect, which gets them in its own error
/// shape. OpenAI and Anthropic write <c>{"error":{"type","message"}}</c>, Google <c>{"error":{"code","message","status"}}</c>;
/// servers that call themselves compatible vary, so either code field is taken, and a body none of them describes
/// still gives a readable message.
/// </summary>
public sealed record UpstreamErrorText(string Code, string Message)
{
    public static UpstreamErrorText Read(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("error");
            var code = error.TryGetProperty("type", out var type) ? type.GetString() : error.TryGetProperty("status", out var status) ? status.GetString() : null;
            return new UpstreamErrorText(code ?? "upstream_error", error.GetProperty("message").GetString() ?? "upstream error");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new UpstreamErrorText("upstream_error", "the upstream answered with an error it did not describe");
        }
    }
}
