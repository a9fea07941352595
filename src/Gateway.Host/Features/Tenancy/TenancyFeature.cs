using Gateway.Host.Features.Tenancy.Audit;
using Gateway.Host.Features.Tenancy.Keys;
using Gateway.Host.Features.Tenancy.Organizations;
using Gateway.Host.Features.Tenancy.Users;
using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Tenancy;

/// <summary>Organizations, users, virtual keys and their audit trail: the projection, its read store, the writer, the endpoints.</summary>
internal static class TenancyFeature
{
    public static void AddTenancyFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IInlineProjection, TenancyProjection>();
        builder.Services.AddSingleton<TenancyReadStore>();
        builder.Services.AddSingleton<TenancyWriter>();
    }

    public static void MapTenancyFeature(this IEndpointRouteBuilder app)
    {
        app.MapOrganizations();
        app.MapUsers();
        app.MapKeys();
        app.MapAudit();
    }
}
