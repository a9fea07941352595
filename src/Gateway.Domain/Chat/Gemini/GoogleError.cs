using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>Google's error body, which the Gemini SDKs read. A Gemini upstream's own errors pass through as it wrote them (with its <c>details</c>).</summary>
public sealed record GoogleError(GoogleErrorDetail Error)
{
    /// <summary>
    /// The error the gateway answers with for an HTTP status, as a body or as the object that ends a stream. Fields a
    /// refusal names become a <c>google.rpc.BadRequest</c> of field violations, every one of them.
    /// </summary>
    public static GoogleError Of(int status, string message, IReadOnlyList<FieldProblem>? fields = null) =>
        new(new GoogleErrorDetail(status, message, StatusOf(status), fields is { Count: > 0 } ? [GoogleBadRequest.Of(fields)] : null));

    /// <summary>The canonical code Google gives an HTTP status.</summary>
    public static string StatusOf(int status) => status switch
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

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, WireJson.Options)!.AsObject();

    public string ToJsonString() => JsonSerializer.Serialize(this, WireJson.Options);
}

/// <param name="Code">The HTTP status again.</param>
/// <param name="Status">Google's canonical code: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, RESOURCE_EXHAUSTED, UNIMPLEMENTED, INTERNAL, ...</param>
/// <param name="Details">A <c>google.rpc.BadRequest</c> naming every field at fault, when the refusal is about fields.</param>
public sealed record GoogleErrorDetail(
    int Code, string Message, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GoogleBadRequest>? Details = null);

/// <summary>Google's <c>google.rpc.BadRequest</c> error detail.</summary>
public sealed record GoogleBadRequest(
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("fieldViolations")] IReadOnlyList<GoogleFieldViolation> FieldViolations)
{
    internal static GoogleBadRequest Of(IReadOnlyList<FieldProblem> fields) =>
        new("type.googleapis.com/google.rpc.BadRequest", [.. fields.Select(f => new GoogleFieldViolation(f.Path, f.Problem))]);
}

public sealed record GoogleFieldViolation(string Field, string Description);
