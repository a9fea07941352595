using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Tests.Upstreams.Sharing;

public sealed class QuotaSizingTests
{
    [Fact]
    public void Should_grant_the_shortfall_then_at_most_half_of_what_is_left_beyond_it()
    {
        Assert.Equal(5, QuotaSizing.Grant(limit: 10, counted: 0, shortfall: 1, extra: 20, forced: 0));
        Assert.Equal(3, QuotaSizing.Grant(limit: 10, counted: 5, shortfall: 1, extra: 20, forced: 0));
        Assert.Equal(1, QuotaSizing.Grant(limit: 10, counted: 8, shortfall: 1, extra: 20, forced: 0));
        Assert.Equal(1, QuotaSizing.Grant(limit: 10, counted: 9, shortfall: 1, extra: 20, forced: 0));
        Assert.Equal(2, QuotaSizing.Grant(limit: 10, counted: 0, shortfall: 1, extra: 1, forced: 0));
    }

    [Fact]
    public void Should_grant_nothing_but_the_overspend_when_the_shortfall_does_not_fit()
    {
        Assert.Equal(0, QuotaSizing.Grant(limit: 10, counted: 10, shortfall: 1, extra: 5, forced: 0));
        Assert.Equal(300, QuotaSizing.Grant(limit: 1000, counted: 800, shortfall: 500, extra: 500, forced: 300));
    }

    [Fact]
    public void Should_admit_one_request_larger_than_the_limit_into_a_window_nobody_touched()
    {
        Assert.Equal(5000, QuotaSizing.Grant(limit: 1000, counted: 0, shortfall: 5000, extra: 5000, forced: 0));
        Assert.Equal(0, QuotaSizing.Grant(limit: 1000, counted: 1, shortfall: 5000, extra: 5000, forced: 0));
    }

    [Fact]
    public void Should_never_grant_past_the_limit_however_many_instances_ask_in_turn()
    {
        long counted = 0;
        for (var ask = 0; ask < 50; ask++)
            counted += QuotaSizing.Grant(limit: 10, counted, shortfall: 1, extra: 4, forced: 0);

        Assert.Equal(10, counted);
    }
}
