using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Dialects;
using Microsoft.AspNetCore.Authorization;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// Authenticates every request to an endpoint not marked anonymous, from memory only, and refuses
/// in the caller's dialect. The principal is then available to handlers as <see cref="PrincipalAccess.Principal"/>.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, KeyDirectory directory, KeyUsageTracker usage)
{
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            return next(context);

        var credentials = Credentials.From(context.Request);
        var result = directory.Authenticate(credentials.Secret);
        if (result.Principal is null)
            return DialectErrors.WriteAsync(context, credentials.Dialect, result.Status, result.Code, result.Message);

        context.Features.Set(result.Principal);
        if (result.Principal.KeyId is not null)
            usage.Touch(result.Principal.KeyId);
        return next(context);
    }
}

internal static class PrincipalAccess
{
    /// <summary>The authenticated caller; only endpoints behind <see cref="AuthenticationMiddleware"/> have one.</summary>
    public static Principal Principal(this HttpContext context) =>
        context.Features.Get<Principal>() ?? throw new InvalidOperationException("endpoint reached without authentication");
}
