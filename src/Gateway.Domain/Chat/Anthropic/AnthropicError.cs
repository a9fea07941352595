using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>Anthropic's error body, which Anthropic's SDKs and Claude Code read. An Anthropic upstream's own errors pass through as it wrote them.</summary>
/// <param name="Type">Always <c>error</c>.</param>
public sealed record AnthropicError(string Type, AnthropicErrorDetail Error)
{
    /// <summary>The error the gateway answers with for an HTTP status, as a body or as a stream's error event.</summary>
    public static AnthropicError Of(int status, string message) => new("error", new AnthropicErrorDetail(TypeOf(status), message));

    /// <summary>The type Anthropic gives a status; 529 is its own for an overloaded service.</summary>
    public static string TypeOf(int status) => status switch
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

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, WireJson.Options)!.AsObject();

    public string ToJsonString() => JsonSerializer.Serialize(this, WireJson.Options);
}

/// <param name="Type">invalid_request_error, authentication_error, billing_error, permission_error, not_found_error, request_too_large, rate_limit_error, api_error, timeout_error or overloaded_error.</param>
public sealed record AnthropicErrorDetail(string Type, string Message);
