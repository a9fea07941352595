using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public sealed class BudgetThresholdsTests
{
    private static Budget Make(int? alertAt, long? maxTokens = null, long? maxRequests = null) => new(
        "bdg_1", "org_1", BudgetScopeKind.Organization, "org_1", null, null, 50m, maxTokens, maxRequests,
        BudgetPeriod.Lifetime, alertAt, null, BudgetMode.Block, "team");

    [Theory]
    [InlineData(39.99, null, null)]
    [InlineData(40, null, 80)]
    [InlineData(45, 80, null)]
    [InlineData(50, 80, 100)]
    [InlineData(50, null, 100)]
    [InlineData(70, 100, null)]
    public void Should_raise_each_level_once_as_dollars_rise(double spentUsd, int? alreadyRaised, int? expected) =>
        Assert.Equal(expected, BudgetThresholds.Due(Make(alertAt: 80), new Spend((decimal)spentUsd, 0, 0), alreadyRaised));

    [Fact]
    public void Should_raise_only_the_limit_when_the_spend_jumps_past_both_levels_at_once() =>
        Assert.Equal(100, BudgetThresholds.Due(Make(alertAt: 80), new Spend(60m, 0, 0), null));

    [Fact]
    public void Should_alert_at_the_limit_even_without_a_soft_threshold()
    {
        Assert.Null(BudgetThresholds.Due(Make(alertAt: null), new Spend(49.99m, 0, 0), null));
        Assert.Equal(100, BudgetThresholds.Due(Make(alertAt: null), new Spend(50m, 0, 0), null));
    }

    [Fact]
    public void Should_count_the_quantity_furthest_along_among_dollars_tokens_and_requests()
    {
        var budget = Make(alertAt: 50, maxTokens: 1000, maxRequests: 10);

        Assert.Equal(25m, BudgetThresholds.PercentUsed(budget, new Spend(12.5m, 100, 1)));
        Assert.Equal(60m, BudgetThresholds.PercentUsed(budget, new Spend(1m, 600, 1)));
        Assert.Equal(50, BudgetThresholds.Due(budget, new Spend(1m, 100, 5), null));
        Assert.Equal(100, BudgetThresholds.Due(budget, new Spend(1m, 100, 10), 50));
    }

    [Fact]
    public void Should_treat_a_soft_threshold_of_100_as_the_limit_alone() =>
        Assert.Equal(100, BudgetThresholds.Due(Make(alertAt: 100), new Spend(50m, 0, 0), null));
}
