using Gateway.Domain.Tenancy;

namespace Gateway.Host.Http;

/// <summary>RFC 7807 answers for the management API, one helper per kind of refusal.</summary>
internal static class Problems
{
    public static IResult Validation(FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request has invalid fields", type: "https://httpwg.org/specs/rfc9110.html#status.400");

    public static IResult NotFound(string what) =>
        TypedResults.Problem($"{what} not found", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Forbidden(string action) =>
        TypedResults.Problem($"your key may not {action}", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static IResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult PreconditionFailed(long current) =>
        TypedResults.Problem($"the resource changed: it is at version {current}; read it again and resend with If-Match: \"{current}\"",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed");

    /// <summary>Null when allowed; otherwise the 404 (another tenant's resource) or 403 to answer with.</summary>
    public static IResult? Deny(AccessDecision decision, string what, string action) => decision switch
    {
        AccessDecision.Allowed => null,
        AccessDecision.NotFound => NotFound(what),
        _ => Forbidden(action),
    };

    public static IResult From(DomainError error) => error.Kind switch
    {
        DomainErrorKind.NotFound => TypedResults.Problem(error.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        _ => Conflict(error.Message),
    };

    /// <summary>Every management endpoint documents these.</summary>
    public static RouteHandlerBuilder WithManagementProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status500InternalServerError);
}
