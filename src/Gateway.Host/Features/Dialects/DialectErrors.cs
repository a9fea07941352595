using System.Globalization;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;
using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Host.Features.Dialects;

/// <summary>
/// Refusals answered in the caller's dialect, in the shape its SDK reads (<see cref="OpenAIError"/>,
/// <see cref="AnthropicError"/>, <see cref="GoogleError"/>, each written by its Domain type). Fields a refusal names go
/// where each dialect puts them: OpenAI's <c>param</c> (the first), Google's <c>google.rpc.BadRequest</c> field
/// violations (all), and for Anthropic, which has no such place, the message alone.
/// </summary>
internal static class DialectErrors
{
    public static Task WriteAsync(HttpContext context, Dialect dialect, Refusal refusal)
    {
        if (refusal.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, dialect, refusal.Status, refusal.Code, refusal.Message, refusal.Fields);
    }

    /// <param name="code">Machine-readable reason, e.g. <c>invalid_api_key</c>.</param>
    /// <param name="fields">The request fields at fault, when the refusal is about some.</param>
    public static Task WriteAsync(HttpContext context, Dialect dialect, int status, string code, string message, IReadOnlyList<FieldProblem>? fields = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = dialect switch
        {
            Dialect.OpenAI or Dialect.Responses => OpenAIError.Of(status, code, message, fields is { Count: > 0 } ? fields[0].Path : null).ToJsonString(),
            Dialect.Anthropic => AnthropicError.Of(status, message).ToJsonString(),
            Dialect.Gemini => GoogleError.Of(status, message, fields).ToJsonString(),
        };
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The status an upstream error of another wire format is answered with: the same, but that an overloaded Gemini or
    /// OpenAI-compatible service (503) is Anthropic's overloaded_error, 529, which Anthropic clients wait out and retry.
    /// </summary>
    public static int StatusOf(Dialect dialect, int upstreamStatus) => dialect switch
    {
        Dialect.Anthropic when upstreamStatus == 503 => 529,
        Dialect.OpenAI or Dialect.Anthropic or Dialect.Gemini or Dialect.Responses => upstreamStatus,
    };

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
}
