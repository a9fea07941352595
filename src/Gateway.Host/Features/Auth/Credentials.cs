using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// The presented secret, taken from wherever the caller's SDK puts it: <c>Authorization: Bearer</c>
/// (OpenAI), <c>x-api-key</c> (Anthropic), <c>x-goog-api-key</c> or <c>?key=</c> (Gemini). The place it came
/// from, or failing that the path, tells which dialect to answer in.
/// </summary>
internal readonly record struct Credentials(string? Secret, Dialect Dialect)
{
    public static Credentials From(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return new(authorization["Bearer ".Length..].Trim(), Dialect.OpenAI);
        if (request.Headers.TryGetValue(AnthropicApi.KeyHeader, out var anthropic) && anthropic.Count > 0)
            return new(anthropic.ToString().Trim(), Dialect.Anthropic);
        if (request.Headers.TryGetValue(GeminiApi.KeyHeader, out var google) && google.Count > 0)
            return new(google.ToString().Trim(), Dialect.Gemini);
        if (request.Query.TryGetValue(GeminiApi.KeyQuery, out var query) && query.Count > 0)
            return new(query.ToString().Trim(), Dialect.Gemini);
        return new(null, DialectOf(request.Path));
    }

    private static Dialect DialectOf(PathString path) =>
        path.StartsWithSegments("/v1beta") || path.Value?.Contains(":" + GeminiApi.GenerateContent, StringComparison.Ordinal) == true ? Dialect.Gemini
        : path.StartsWithSegments("/" + AnthropicApi.MessagesPath) ? Dialect.Anthropic
        : Dialect.OpenAI;
}
