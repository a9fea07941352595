using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Auth;

/// <summary>The outcome of authenticating one request: a principal, or the status and reason to refuse with.</summary>
internal readonly record struct AuthResult(Principal? Principal, int Status, string Code, string Message)
{
    public static AuthResult Success(Principal principal) => new(principal, 200, "", "");

    public static AuthResult Unauthenticated(string code, string message) => new(null, 401, code, message);

    public static AuthResult Forbidden(string code, string message) => new(null, 403, code, message);
}
