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
        var shortage = HeadroomShortage.Judge(Limit, Usd(30m, 6), Hold, [
            (Usd(36m, 1), new LeaseUse(Usd(36m, 1), Spend.Zero)),
            (Usd(10m, 2), new LeaseUse(Spend.Zero, Usd(10m, 2))),
        ]);

        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
        Assert.Equal(40m, shortage.Spent.Usd);
        Assert.Equal(36m, shortage.Held.Usd);
        Assert.Equal(24m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_the_room_held_elsewhere_when_a_holder_did_not_answer()
    {
        var shortage = HeadroomShortage.Judge(Limit, Usd(20m, 4), Hold, [(Usd(36m, 1), new LeaseUse(Usd(36m, 1), Spend.Zero)), (Usd(44m), null)]);

        Assert.Equal(ShortageKind.HeldElsewhere, shortage.Kind);
        Assert.Equal(44m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_the_room_held_elsewhere_when_a_holder_leased_again_after_it_answered()
    {
        // It kept $5 unstored, then leased $72 for its next requests before this instance could grant.
        var shortage = HeadroomShortage.Judge(Limit, Usd(20m, 4), Hold, [(Usd(77m, 2), new LeaseUse(Spend.Zero, Usd(5m, 1)))]);

        Assert.Equal(ShortageKind.HeldElsewhere, shortage.Kind);
        Assert.Equal(25m, shortage.Spent.Usd);
        Assert.Equal(Spend.Zero, shortage.Held);
    }

    [Fact]
    public void Should_not_count_twice_spend_a_holder_stored_after_it_answered()
    {
        // It answered $5 unstored and $36 held; the $5 was stored before its lease was read, so its lease is $36.
        var shortage = HeadroomShortage.Judge(Limit, Usd(65m, 13), Hold, [(Usd(36m, 1), new LeaseUse(Usd(36m, 1), Usd(5m, 1)))]);

        Assert.Equal(65m, shortage.Spent.Usd);
        Assert.Equal(36m, shortage.Held.Usd);
        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
    }

    [Fact]
    public void Should_find_the_limit_reached_by_spend_alone_when_nothing_is_in_flight()
    {
        var shortage = HeadroomShortage.Judge(Limit, Usd(65m, 13), Hold, []);

        Assert.Equal(ShortageKind.LimitReached, shortage.Kind);
        Assert.Equal(Spend.Zero, shortage.Held);
        Assert.Equal(35m, shortage.Free.Usd);
    }

    [Fact]
    public void Should_find_room_once_holds_in_flight_settle_below_their_worst_case()
    {
        // Two requests in flight hold $72; settled at $5 each they leave $90 unspent, room for two holds more.
        var inFlight = HeadroomShortage.Judge(Limit, Spend.Zero, Hold, [(Usd(72m, 2), new LeaseUse(Usd(72m, 2), Spend.Zero))]);
        var settled = HeadroomShortage.Judge(Limit, Spend.Zero, Hold, [(Usd(10m, 2), new LeaseUse(Spend.Zero, Usd(10m, 2)))]);

        Assert.Equal(ShortageKind.LimitReached, inFlight.Kind);
        Assert.Equal(ShortageKind.HeldElsewhere, settled.Kind);
        Assert.Equal(90m, settled.Free.Usd);
    }
}
