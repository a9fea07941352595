using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Usage;

/// <summary>Every request's usage record: priced, journaled to disk, stored in batches, and read back through <c>/v1/usage</c>.</summary>
internal static class UsageFeature
{
    public static void AddUsageFeature(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        builder.Services.AddSingleton(_ => new UsageJournal(UsageLog.FolderFor(settings)));
        builder.Services.AddSingleton<UsageWriter>();
        // Before the usage log, so today's partition is there before the first batch.
        builder.Services.AddSingleton<UsagePartitions>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UsagePartitions>());
        builder.Services.AddSingleton<UsageLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageLog>());
    }

    public static void MapUsageFeature(this IEndpointRouteBuilder app) => app.MapUsage();
}
