using System.Text.Json;

namespace Gateway.Host.Features.Dialects;

/// <summary>
/// Error bodies as each provider's SDK expects them:
/// OpenAI <c>{"error":{"message","type","param","code"}}</c>,
/// Anthropic <c>{"type":"error","error":{"type","message"}}</c>,
/// Gemini <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal static class DialectErrors
{
    /// <param name="code">Machine-readable reason, e.g. <c>invalid_api_key</c>.</param>
    public static Task WriteAsync(HttpContext context, Dialect dialect, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        object body = dialect switch
        {
            Dialect.Anthropic => new { type = "error", error = new { type = AnthropicType(status), message } },
            Dialect.Gemini => new { error = new { code = status, message, status = GoogleStatus(status) } },
            _ => new { error = new { message, type = OpenAIType(status), param = (string?)null, code } },
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    /// <summary>The error type each dialect gives a status; also for error events in a stream that already began.</summary>
    public static string OpenAIType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public static string GoogleStatus(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION",
    };
}
