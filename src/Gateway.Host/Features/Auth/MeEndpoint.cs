using Gateway.Domain.Tenancy;

namespace Gateway.Host.Features.Auth;

/// <summary><c>GET /v1/me</c>: who the presented key authenticates as.</summary>
internal static class MeEndpoint
{
    /// <param name="Kind">platform_admin, org_admin or member.</param>
    internal sealed record MeResponse(PrincipalKind Kind, string? OrgId, string? UserId, string? KeyId);

    public static void MapMe(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/me", (HttpContext context) =>
            {
                var p = context.Principal();
                return TypedResults.Ok(new MeResponse(p.Kind, p.OrgId, p.UserId, p.KeyId));
            })
            .WithTags("Auth").WithName("getMe").WithSummary("Who the presented key authenticates as")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
}
