using System.Text.Json;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>OpenAI's error body, which every OpenAI SDK reads. An OpenAI-compatible upstream's own errors pass through as it wrote them.</summary>
public sealed record OpenAIError(OpenAIErrorDetail Error)
{
    /// <summary>The error the gateway answers with for an HTTP status, as a body or as a stream's error chunk.</summary>
    /// <param name="param">The request field at fault, when the refusal is about one.</param>
    public static OpenAIError Of(int status, string code, string message, string? param = null) => new(new OpenAIErrorDetail(message, TypeOf(status), param, code));

    /// <summary>The type OpenAI gives a status.</summary>
    public static string TypeOf(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    public string ToJsonString() => JsonSerializer.Serialize(this, WireJson.Options);
}

/// <param name="Type">invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error or api_error.</param>
/// <param name="Code">Machine-readable reason, e.g. <c>invalid_api_key</c>, <c>model_not_found</c>, <c>budget_exceeded</c>.</param>
public sealed record OpenAIErrorDetail(string Message, string Type, string? Param, string Code);
