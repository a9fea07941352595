using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Auth;

/// <summary>Who is asking: key hashing, the in-memory key directory kept current by NOTIFY, key last-use times, and <c>/v1/me</c>.</summary>
internal static class AuthFeature
{
    public static void AddAuthFeature(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        builder.Services.AddSingleton(new KeySecrets(
            settings.MasterKey ?? throw new SettingsException($"{Setting.MasterKey.EnvironmentVariable} is not set; run `gateway init`"),
            settings.AdminToken ?? throw new SettingsException($"{Setting.AdminToken.EnvironmentVariable} is not set; run `gateway init`")));
        builder.Services.AddSingleton<KeyDirectory>();
        builder.Services.AddSingleton<KeyUsageTracker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyUsageTracker>());
        builder.Services.AddHostedService<TenancyChangeListener>();
    }

    public static void MapAuthFeature(this IEndpointRouteBuilder app) => app.MapMe();
}
