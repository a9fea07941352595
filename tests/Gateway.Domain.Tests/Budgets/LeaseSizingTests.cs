using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public sealed class LeaseSizingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Spend Need = new(0.01m, 1_000, 1);

    [Fact]
    public void Should_ask_for_the_shortfall_and_a_few_holds_more_when_the_account_is_quiet()
    {
        var (shortfall, extra) = LeaseSizing.Want(Need, new Spend(0.004m, 400, 0), holdsPerSecond: 0.5);

        Assert.Equal(new Spend(0.006m, 600, 1), shortfall);
        Assert.Equal(new Spend(0.04m, 4_000, 4), extra);
    }

    [Fact]
    public void Should_ask_for_about_a_second_of_traffic_when_busy_and_never_more_than_the_bound()
    {
        Assert.Equal(new Spend(25m, 2_500_000, 2_500), LeaseSizing.Want(Need, Spend.Zero, holdsPerSecond: 2_500).Extra);
        Assert.Equal(LeaseSizing.MostHolds, LeaseSizing.Want(Need, Spend.Zero, holdsPerSecond: 1e9).Extra.Requests);
    }

    [Fact]
    public void Should_ask_for_the_shortfall_and_a_single_hold_more_while_cooling_off_however_busy()
    {
        var (shortfall, extra) = LeaseSizing.Want(Need, new Spend(0.004m, 400, 0), holdsPerSecond: 2_500, coolingOff: true);

        Assert.Equal(new Spend(0.006m, 600, 1), shortfall);
        Assert.Equal(Need, extra);
    }

    [Fact]
    public void Should_cool_off_for_a_while_after_the_last_ask_to_give_back_and_never_without_one()
    {
        Assert.False(LeaseSizing.CoolingOff(null, Now));
        Assert.True(LeaseSizing.CoolingOff(Now, Now));
        Assert.True(LeaseSizing.CoolingOff(Now, Now + LeaseSizing.CoolOff - TimeSpan.FromMilliseconds(1)));
        Assert.False(LeaseSizing.CoolingOff(Now, Now + LeaseSizing.CoolOff));
    }

    [Fact]
    public void Should_give_back_the_unused_lease_and_lease_small_until_the_cool_off_is_over()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(0.05m, 5_000, 5));
        var inFlight = Guid.NewGuid();
        account.TryHold(inFlight, Need, Now);

        Assert.False(account.CoolingOff(Now));
        Assert.Equal(new Spend(0.04m, 4_000, 4), account.GiveBack(Now));
        Assert.Equal(Spend.Zero, account.Available);
        Assert.True(account.CoolingOff(Now.AddSeconds(1)));
        Assert.False(account.CoolingOff(Now + LeaseSizing.CoolOff));
        Assert.True(account.Settle(inFlight, Need));
    }

    [Fact]
    public void Should_cool_off_from_the_latest_ask_when_asked_again()
    {
        var account = new BudgetAccount();
        account.GiveBack(Now);
        account.GiveBack(Now.AddSeconds(4));

        Assert.True(account.CoolingOff(Now + LeaseSizing.CoolOff));
        Assert.False(account.CoolingOff(Now.AddSeconds(4) + LeaseSizing.CoolOff));
    }

    [Fact]
    public void Should_grant_the_shortfall_whole_and_at_most_half_of_what_is_left_beyond_it()
    {
        var left = new Spend(10m, 1_000_000, 1_000);

        var grant = LeaseSizing.Grant(Need, new Spend(100m, 10_000_000, 10_000), left);

        Assert.Equal(Need + new Spend(4.995m, 499_500, 499), grant);
        Assert.True(left.Covers(grant));
    }

    [Fact]
    public void Should_grant_what_is_asked_when_the_period_has_plenty()
    {
        var extra = new Spend(0.04m, 4_000, 4);

        Assert.Equal(Need + extra, LeaseSizing.Grant(Need, extra, new Spend(1_000m, 100_000_000, 100_000)));
    }

    [Fact]
    public void Should_grant_only_what_is_left_when_the_shortfall_is_more()
    {
        var left = new Spend(0.005m, 500, 0);

        Assert.Equal(left, LeaseSizing.Grant(Need, Need, left));
        Assert.Equal(Spend.Zero, LeaseSizing.Grant(Need, Need, new Spend(-1m, -10, -1)));
    }

    [Fact]
    public void Should_measure_holds_per_second_over_the_last_whole_second()
    {
        var account = new BudgetAccount();
        for (var i = 0; i < 50; i++)
            account.TryHold(Guid.NewGuid(), Need, Now.AddMilliseconds(i * 20));
        account.TryHold(Guid.NewGuid(), Need, Now.AddSeconds(1));

        Assert.Equal(50, account.HoldsPerSecond, precision: 6);
    }

    [Fact]
    public void Should_read_a_long_quiet_gap_as_a_low_rate()
    {
        var account = new BudgetAccount();
        for (var i = 0; i < 10; i++)
            account.TryHold(Guid.NewGuid(), Need, Now.AddMilliseconds(i));
        account.TryHold(Guid.NewGuid(), Need, Now.AddSeconds(10));

        Assert.Equal(1, account.HoldsPerSecond, precision: 6);
    }

    [Fact]
    public void Should_count_the_second_under_way_when_it_is_busier()
    {
        var account = new BudgetAccount();
        for (var i = 0; i < 30; i++)
            account.TryHold(Guid.NewGuid(), Need, Now.AddMilliseconds(i));

        Assert.Equal(30, account.HoldsPerSecond, precision: 6);
    }
}
