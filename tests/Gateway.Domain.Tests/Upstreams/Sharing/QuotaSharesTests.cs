using Gateway.Domain.Upstreams;
using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Tests.Upstreams.Sharing;

public sealed class QuotaSharesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z");
    private static readonly QuotaKey Rpm = new("fake", "key:a", "gpt", QuotaDimension.RequestsPerMinute);
    private static readonly QuotaKey Tpm = new("fake", "key:a", "gpt", QuotaDimension.TokensPerMinute);
    private static readonly QuotaKey Rpd = new("fake", "key:a", "gpt", QuotaDimension.RequestsPerDay);

    [Fact]
    public void Should_spend_a_grant_until_it_is_used_up_and_then_ask_for_the_shortfall_again()
    {
        var shares = new QuotaShares();
        var want = shares.Want(Rpm, limit: 10, need: 1, Now, Now);
        shares.Granted(want, new QuotaGrant(7, 2, null, 0), Now);

        Assert.Equal(1, want.Shortfall);
        Assert.Equal(Now + QuotaShares.UseWithin + MinuteWindow.Length, want.CountsUntil);
        Assert.True(shares.TryTake(Rpm, 1, Now));
        Assert.True(shares.TryTake(Rpm, 1, Now.AddSeconds(1)));
        Assert.False(shares.TryTake(Rpm, 1, Now.AddSeconds(1)));
        var next = shares.Want(Rpm, limit: 10, need: 1, Now.AddSeconds(2), Now);
        Assert.Equal(1, next.Shortfall);
        var closed = Assert.Single(next.Closings);
        Assert.Equal(new QuotaClosing(7, 0, Now.AddSeconds(61)), closed);
    }

    [Fact]
    public void Should_stop_spending_a_grant_after_its_use_window_and_give_back_what_it_did_not_use()
    {
        var shares = new QuotaShares();
        var want = shares.Want(Rpm, limit: 10, need: 1, Now, Now);
        shares.Granted(want, new QuotaGrant(3, 5, null, 0), Now);
        shares.TryTake(Rpm, 1, Now);

        var later = Now + QuotaShares.UseWithin;
        Assert.Equal(0, shares.Available(Rpm, later));
        var settlement = Assert.Single(shares.Settlements(later));
        Assert.Equal(new QuotaClosing(3, 4, Now.AddMinutes(1)), Assert.Single(settlement.Closings));
    }

    [Fact]
    public void Should_close_every_grant_of_a_window_another_instance_asked_back_or_that_sat_idle()
    {
        var shares = new QuotaShares();
        shares.Granted(shares.Want(Rpm, 10, 1, Now, Now), new QuotaGrant(1, 5, null, 0), Now);
        shares.Granted(shares.Want(Rpd, 100, 1, Now, Now.AddHours(12)), new QuotaGrant(2, 5, null, 0), Now);

        Assert.Empty(shares.Settlements(Now.AddSeconds(1)));
        var asked = Assert.Single(shares.Settlements(Now.AddSeconds(1), key => key == Rpd));
        Assert.Equal(Rpd, asked.Key);
        Assert.Equal(new QuotaClosing(2, 5, Now.AddHours(12)), Assert.Single(asked.Closings));
        var idle = Assert.Single(shares.Settlements(Now + QuotaShares.IdleAfter));
        Assert.Equal(Rpm, idle.Key);
    }

    [Fact]
    public void Should_give_back_tokens_reserved_but_not_spent_and_record_tokens_spent_beyond_the_grants()
    {
        var shares = new QuotaShares();
        shares.Granted(shares.Want(Tpm, 1000, 400, Now, Now), new QuotaGrant(1, 500, null, 0), Now);
        Assert.True(shares.TryTake(Tpm, 400, Now));
        shares.Settle(Tpm, reserved: 400, actual: 100, Now);
        Assert.Equal(400, shares.Available(Tpm, Now));

        Assert.True(shares.TryTake(Tpm, 400, Now));
        shares.Settle(Tpm, reserved: 400, actual: 900, Now);
        Assert.Equal(-500, shares.Available(Tpm, Now));
        var want = shares.Want(Tpm, 1000, 100, Now, Now);
        Assert.Equal(500, want.Forced);
        Assert.Equal(100, want.Shortfall);
    }

    [Fact]
    public void Should_owe_again_an_overspend_the_store_could_not_record()
    {
        var shares = new QuotaShares();
        shares.Granted(shares.Want(Tpm, 1000, 100, Now, Now), new QuotaGrant(1, 100, null, 0), Now);
        shares.TryTake(Tpm, 100, Now);
        shares.Settle(Tpm, 100, 350, Now);
        var want = shares.Want(Tpm, 1000, 1, Now, Now);

        shares.Failed(want);

        Assert.Equal(250, want.Forced);
        Assert.Equal(250, shares.Want(Tpm, 1000, 1, Now, Now).Forced);
    }

    [Fact]
    public void Should_hold_a_refused_window_refused_for_a_moment_and_say_when_it_frees()
    {
        var shares = new QuotaShares();
        var want = shares.Want(Rpm, 10, 1, Now, Now);
        shares.Granted(want, new QuotaGrant(0, 0, Now.AddSeconds(40), 3), Now);

        Assert.Equal(Now.AddSeconds(40), shares.RefusedUntil(Rpm, Now.AddMilliseconds(500)));
        Assert.Null(shares.RefusedUntil(Rpm, Now + QuotaShares.AskAgainAfter));
    }

    [Fact]
    public void Should_size_a_lease_to_about_a_second_of_the_traffic_since_it_became_busy()
    {
        var shares = new QuotaShares();
        shares.Granted(shares.Want(Rpm, 100_000, 1, Now, Now), new QuotaGrant(1, 6000, null, 0), Now);
        for (var i = 0; i < 6000; i++)
            shares.TryTake(Rpm, 1, Now.AddMilliseconds(i / 2));

        var want = shares.Want(Rpm, 100_000, 1, Now.AddSeconds(3), Now);

        Assert.Equal(2000, want.Extra);
    }

    [Fact]
    public void Should_skip_asking_for_a_want_only_when_its_whole_need_is_covered()
    {
        var shares = new QuotaShares();
        shares.Granted(shares.Want(Tpm, 10_000, 100, Now, Now), new QuotaGrant(1, 100, null, 0), Now);
        shares.TryTake(Tpm, 80, Now);

        var want = shares.Want(Tpm, 10_000, 50, Now, Now);

        Assert.Equal(50, want.Need);
        Assert.Equal(30, want.Shortfall);
    }
}
