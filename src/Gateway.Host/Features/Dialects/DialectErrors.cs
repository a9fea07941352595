using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Domain.Chat;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Dialects;

/// <summary>OpenAI's error body, which every OpenAI SDK reads. An OpenAI-compatible upstream's own errors pass through as it wrote them.</summary>
internal sealed record OpenAIError(OpenAIErrorDetail Error);

/// <param name="Type">invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error or api_error.</param>
/// <param name="Code">Machine-readable reason, e.g. <c>invalid_api_key</c>, <c>model_not_found</c>, <c>budget_exceeded</c>.</param>
internal sealed record OpenAIErrorDetail(string Message, string Type, string? Param, string Code);

/// <summary>Anthropic's error body, which Anthropic's SDKs and Claude Code read. An Anthropic upstream's own errors pass through as it wrote them.</summary>
/// <param name="Type">Always <c>error</c>.</param>
internal sealed record AnthropicError(string Type, AnthropicErrorDetail Error);

/// <param name="Type">invalid_request_error, authentication_error, billing_error, permission_error, not_found_error, request_too_large, rate_limit_error, api_error, timeout_error or overloaded_error.</param>
internal sealed record AnthropicErrorDetail(string Type, string Message);

/// <summary>Google's error body, which the Gemini SDKs read. A Gemini upstream's own errors pass through as it wrote them (with its <c>details</c>).</summary>
internal sealed record GoogleError(GoogleErrorDetail Error);

/// <param name="Code">The HTTP status again.</param>
/// <param name="Status">Google's canonical code: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, RESOURCE_EXHAUSTED, UNIMPLEMENTED, INTERNAL, ...</param>
/// <param name="Details">A <c>google.rpc.BadRequest</c> naming every field at fault, when the refusal is about fields.</param>
internal sealed record GoogleErrorDetail(
    int Code, string Message, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GoogleBadRequest>? Details = null);

/// <summary>Google's <c>google.rpc.BadRequest</c> error detail.</summary>
internal sealed record GoogleBadRequest(
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("fieldViolations")] IReadOnlyList<GoogleFieldViolation> FieldViolations);

internal sealed record GoogleFieldViolation(string Field, string Description);

/// <summary>
/// Error bodies as each provider's SDK expects them: <see cref="OpenAIError"/>, <see cref="AnthropicError"/>, <see cref="GoogleError"/>.
/// Fields a refusal names go where each dialect puts them: OpenAI's <c>param</c> (the first), Google's
/// <c>google.rpc.BadRequest</c> field violations (all), and for Anthropic, which has no such place, the message alone.
/// </summary>
internal static class DialectErrors
{
    /// <param name="code">Machine-readable reason, e.g. <c>invalid_api_key</c>.</param>
    /// <param name="fields">The request fields at fault, when the refusal is about some.</param>
    public static Task WriteAsync(HttpContext context, Dialect dialect, int status, string code, string message, IReadOnlyList<FieldProblem>? fields = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        object body = dialect switch
        {
            Dialect.Anthropic => new AnthropicError("error", new AnthropicErrorDetail(AnthropicType(status), message)),
            Dialect.Gemini => new GoogleError(new GoogleErrorDetail(status, message, GoogleStatus(status), fields is { Count: > 0 } ? [BadRequest(fields)] : null)),
            _ => new OpenAIError(new OpenAIErrorDetail(message, OpenAIType(status), fields is { Count: > 0 } ? fields[0].Path : null, code)),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, body.GetType(), GatewayJson.Options), context.RequestAborted);
    }

    /// <summary>
    /// Documents an inference endpoint's refusals in its dialect's shape (<typeparamref name="TError"/>). 401 is not one of
    /// them: the document gives every keyed operation the same one, in the dialect the key was sent in.
    /// </summary>
    public static RouteHandlerBuilder ProducesErrors<TError>(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.Produces<TError>(status, "application/json");
        return builder;
    }

    private static GoogleBadRequest BadRequest(IReadOnlyList<FieldProblem> fields) =>
        new("type.googleapis.com/google.rpc.BadRequest", [.. fields.Select(f => new GoogleFieldViolation(f.Path, f.Problem))]);

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
        // Google answers a request too large as an invalid argument too.
        400 or 413 => "INVALID_ARGUMENT",
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
