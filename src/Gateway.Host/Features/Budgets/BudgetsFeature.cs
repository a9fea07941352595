using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Features.Budgets;

/// <summary>Budgets: their projection and store, the leased ledger every request is admitted and settled against, alerts and webhooks.</summary>
internal static class BudgetsFeature
{
    public static void AddBudgetsFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IInlineProjection, BudgetProjection>();
        builder.Services.AddSingleton<BudgetStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetStore>());
        builder.Services.AddSingleton<BudgetLeases>();
        builder.Services.AddSingleton<BudgetGiveBack>();
        builder.Services.AddSingleton<BudgetLedger>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetLedger>());
        builder.Services.AddSingleton<Spending>();
        builder.Services.AddSingleton<WebhookSignature>();
        builder.Services.AddSingleton<BudgetWebhooks>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BudgetWebhooks>());
        builder.Services.AddSingleton<BudgetAlerts>();
    }

    public static void MapBudgetsFeature(this IEndpointRouteBuilder app) => app.MapBudgets();
}
