using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public sealed class BudgetAccountTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Spend One = new(7m, 100, 1);

    [Fact]
    public void Should_hold_only_what_the_lease_covers()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(14m, 1000, 10));

        Assert.True(account.TryHold(Guid.NewGuid(), One, Now));
        Assert.True(account.TryHold(Guid.NewGuid(), One, Now));
        Assert.False(account.TryHold(Guid.NewGuid(), One, Now));
    }

    [Fact]
    public void Should_settle_a_hold_exactly_once_and_free_what_it_did_not_cost()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(14m, 1000, 10));
        var hold = Guid.NewGuid();
        account.TryHold(hold, One, Now);

        Assert.True(account.Settle(hold, new Spend(2m, 40, 1)));
        Assert.False(account.Settle(hold, new Spend(2m, 40, 1)));
        Assert.False(account.Release(hold));
        Assert.Equal(new Spend(12m, 960, 9), account.Available);
    }

    [Fact]
    public void Should_write_stored_spend_off_both_the_lease_and_the_unstored_spend()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(14m, 1000, 10));
        var hold = Guid.NewGuid();
        account.TryHold(hold, One, Now);
        account.Settle(hold, One);

        account.Stored(One);

        Assert.Equal(new Spend(7m, 900, 9), account.Lease);
        Assert.Equal(Spend.Zero, account.Settled);
        Assert.Equal(new Spend(7m, 900, 9), account.Available);
    }

    [Fact]
    public void Should_take_out_only_the_lease_no_hold_or_unstored_spend_needs()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(21m, 1000, 10));
        var spent = Guid.NewGuid();
        account.TryHold(spent, One, Now);
        account.Settle(spent, One);
        account.TryHold(Guid.NewGuid(), One, Now);

        Assert.Equal(new Spend(7m, 800, 8), account.TakeUnused());
        Assert.Equal(Spend.Zero, account.TakeUnused());
        Assert.Equal(new Spend(14m, 200, 2), account.Lease);
        Assert.False(account.TryHold(Guid.NewGuid(), One, Now));
    }

    [Fact]
    public void Should_say_what_of_the_lease_is_held_for_requests_in_flight_and_what_is_spent_but_not_stored()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(21m, 1000, 10));
        var spent = Guid.NewGuid();
        account.TryHold(spent, One, Now);
        account.Settle(spent, new Spend(2m, 40, 1));
        account.TryHold(Guid.NewGuid(), One, Now);
        account.TryHold(Guid.NewGuid(), One, Now);

        Assert.Equal(new LeaseUse(new Spend(14m, 200, 2), new Spend(2m, 40, 1)), account.Use);

        account.Stored(new Spend(2m, 40, 1));

        Assert.Equal(new LeaseUse(new Spend(14m, 200, 2), Spend.Zero), account.Use);
    }

    [Fact]
    public void Should_count_spend_being_stored_neither_as_unstored_nor_as_free_until_the_writer_says_how_it_went()
    {
        var account = new BudgetAccount();
        account.Grant(new Spend(21m, 1000, 10));
        var spent = Guid.NewGuid();
        account.TryHold(spent, One, Now);
        account.Settle(spent, One);

        account.Storing(One);
        var whileStoring = (account.Use, account.Available, account.Settled);
        account.NotStored(One);
        var afterFailure = account.Use;
        account.Storing(One);
        account.Stored(One);

        Assert.Equal((new LeaseUse(Spend.Zero, Spend.Zero), new Spend(14m, 900, 9), One), whileStoring);
        Assert.Equal(new LeaseUse(Spend.Zero, One), afterFailure);
        Assert.Equal((new Spend(14m, 900, 9), Spend.Zero, new Spend(14m, 900, 9)), (account.Lease, account.Settled, account.Available));
    }
}
