using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

/// <summary>The case: a $100 budget, requests that cost $5 and hold $36 at worst.</summary>
public sealed class HeadroomShortageTests
{
    private static readonly Spend Limit = new(100m, long.MaxValue / 4, long.MaxValue / 4);
    private static readonly Spend Hold = new(36m, 36, 1);

    private static Spend Usd(decimal usd, long requests = 0) => new(usd, (long)usd, requests);

    [Fact]
    public void Should_find_the_limit_reached_when_spend_and_holds_in_flight_leave_less_than_a_hold()
    {
        var shortage = HeadroomShortage.Judge(Limit, Usd(30m, 6), Hold, [new LeaseUse(Usd(36m, 1), Spend.Zero), new LeaseUse(Spend.Zero, Usd(10m, 2))]);

        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
        Assert.Equal(40m, shortage.Spent.Usd);
        Assert.Equal(36m, shortage.Held.Usd);
        Assert.Equal(24m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_the_room_held_elsewhere_when_what_the_holders_keep_leaves_a_hold_of_room()
    {
        // A holder that did not answer is not counted: all of its lease may be unused.
        var shortage = HeadroomShortage.Judge(Limit, Usd(20m, 4), Hold, [new LeaseUse(Usd(36m, 1), Spend.Zero)]);

        Assert.Equal(ShortageKind.HeldElsewhere, shortage.Kind);
        Assert.Equal(44m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_the_limit_reached_by_spend_alone_when_nothing_is_in_flight()
    {
        var shortage = HeadroomShortage.Judge(Limit, Usd(60m, 12), Hold, [new LeaseUse(Spend.Zero, Usd(5m, 1))]);

        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
        Assert.Equal(Spend.Zero, shortage.Held);
        Assert.Equal(65m, shortage.Spent.Usd);
        Assert.Equal(35m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_room_once_holds_in_flight_settle_below_their_worst_case()
    {
        // Two requests in flight hold $72; settled at $5 each they leave $90 unspent, room for two holds more.
        var inFlight = HeadroomShortage.Judge(Limit, Spend.Zero, Hold, [new LeaseUse(Usd(72m, 2), Spend.Zero)]);
        var settled = HeadroomShortage.Judge(Limit, Spend.Zero, Hold, [new LeaseUse(Spend.Zero, Usd(10m, 2))]);

        Assert.Equal(ShortageKind.LimitReached, inFlight.Kind);
        Assert.Equal(ShortageKind.HeldElsewhere, settled.Kind);
        Assert.Equal(90m, settled.Free.Usd);
    }

    [Fact]
    public void Should_judge_by_every_quantity_a_budget_caps()
    {
        var requests = new Spend(100m, long.MaxValue / 4, 10);

        var shortage = HeadroomShortage.Judge(requests, Usd(5m, 9), Hold, [new LeaseUse(Spend.Zero, Usd(0m, 1))]);

        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
    }
}
