namespace Gateway.Host.Http;

/// <summary>
/// One id per request, end to end: a caller's <c>X-Request-Id</c> becomes the request's trace id (so
/// usage records and audit events carry the id the caller logged), otherwise the gateway's own; either
/// way it is sent back in <c>X-Request-Id</c>. An id that is too long or has characters outside
/// letters, digits and <c>-_.:</c> is ignored rather than refused, so a caller's odd header never fails a request.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.TryGetValue(Header, out var sent) && sent.Count == 1 && IsUsable(sent[0]))
            context.TraceIdentifier = sent[0]!;
        context.Response.Headers[Header] = context.TraceIdentifier;
        return next(context);
    }

    private static bool IsUsable(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
