using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Pricing;

/// <summary>The price book: shipped prices, the config file's <c>pricing:</c>, and <c>/v1/pricing</c>.</summary>
internal static class PricingFeature
{
    public static void AddPricingFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(PricingSettings.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<IInlineProjection, PriceProjection>();
        builder.Services.AddSingleton<PriceStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PriceStore>());
    }

    public static void MapPricingFeature(this IEndpointRouteBuilder app) => app.MapPricing();
}
