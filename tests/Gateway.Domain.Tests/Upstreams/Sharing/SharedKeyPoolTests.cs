using Gateway.Domain.Upstreams;
using Gateway.Domain.Upstreams.Sharing;

namespace Gateway.Domain.Tests.Upstreams.Sharing;

/// <summary>A pool whose keys' limits are shared with other instances spends leased shares, and asks for them when it lacks one.</summary>
public sealed class SharedKeyPoolTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z");
    private const string Model = "gpt-4o-mini";

    private static (KeyPool Pool, QuotaShares Shares) Pool(params PoolKey[] keys)
    {
        var shares = new QuotaShares();
        var pool = new KeyPool(TimeZoneInfo.Utc, new PoolOptions(SelectionStrategy.RoundRobin), new Random(42), new SharedWindows("fake", shares));
        foreach (var key in keys)
            pool.Add(key);
        return (pool, shares);
    }

    [Fact]
    public void Should_ask_for_a_share_of_each_limit_a_key_has_before_its_first_request()
    {
        var (pool, _) = Pool(new PoolKey("a", Limits: new QuotaLimits(Rpm: 10, Rpd: 100, Tpm: 5000)));

        var selection = pool.Acquire(Model, Now, estimatedTokens: 300);

        Assert.Null(selection.Lease);
        Assert.NotNull(selection.Wants);
        Assert.Equal(
            [(QuotaDimension.RequestsPerMinute, 10L, 1L), (QuotaDimension.RequestsPerDay, 100L, 1L), (QuotaDimension.TokensPerMinute, 5000L, 300L)],
            selection.Wants.Select(w => (w.Key.Dimension, w.Limit, w.Shortfall)));
        Assert.All(selection.Wants, w => Assert.Equal(("fake", "key:a", Model), (w.Key.Owner, w.Key.Scope, w.Key.Group)));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), selection.Wants[1].CountsUntil);
    }

    [Fact]
    public void Should_spend_the_granted_share_and_settle_tokens_against_the_reservation()
    {
        var (pool, shares) = Pool(new PoolKey("a", Limits: new QuotaLimits(Rpm: 10, Rpd: null, Tpm: 5000)));
        var wants = pool.Acquire(Model, Now, estimatedTokens: 300).Wants!;
        pool.Granted(wants[0], new QuotaGrant(1, 2, null, 0), Now);
        pool.Granted(wants[1], new QuotaGrant(2, 1000, null, 0), Now);

        var lease = pool.Acquire(Model, Now, estimatedTokens: 300).Lease!;
        pool.Succeed(lease, 120, Now);

        Assert.Equal(300, lease.ReservedTokens);
        Assert.Equal(1, shares.Available(wants[0].Key, Now));
        Assert.Equal(880, shares.Available(wants[1].Key, Now));
    }

    [Fact]
    public void Should_move_to_another_key_while_the_store_refuses_one_and_say_why_when_none_is_left()
    {
        var (pool, _) = Pool(new PoolKey("a", Limits: new QuotaLimits(10, null, null)), new PoolKey("b", Limits: new QuotaLimits(10, null, null)));
        var first = pool.Acquire(Model, Now).Wants!.Single();
        pool.Granted(first, new QuotaGrant(0, 0, Now.AddSeconds(30), 0), Now);

        var second = pool.Acquire(Model, Now).Wants!.Single();
        Assert.NotEqual(first.Key.Scope, second.Key.Scope);
        pool.Granted(second, new QuotaGrant(0, 0, Now.AddSeconds(20), 0), Now);
        var exhausted = pool.Acquire(Model, Now);

        Assert.Null(exhausted.Lease);
        Assert.Null(exhausted.Wants);
        Assert.Equal(Now.AddSeconds(20), exhausted.RetryAt);
        Assert.Equal("requests-per-minute limit reached across instances", exhausted.Reason);
    }

    [Fact]
    public void Should_keep_a_key_lacking_only_its_share_ahead_of_a_lower_tier_that_has_one()
    {
        var (pool, _) = Pool(
            new PoolKey("paid", Priority: 0, Limits: new QuotaLimits(10, null, null)),
            new PoolKey("free", Priority: 1, Limits: new QuotaLimits(10, null, null)));
        var free = new QuotaKey("fake", "key:free", Model, QuotaDimension.RequestsPerMinute);
        pool.Granted(new QuotaWant(free, 10, 1, 1, 0, Now, Now.AddMinutes(1), []), new QuotaGrant(1, 5, null, 0), Now);

        var selection = pool.Acquire(Model, Now);

        Assert.Equal("key:paid", Assert.Single(selection.Wants!).Key.Scope);
    }

    [Fact]
    public void Should_need_no_share_for_a_key_without_limits()
    {
        var (pool, _) = Pool(new PoolKey("a"));

        Assert.NotNull(pool.Acquire(Model, Now).Lease);
    }
}

/// <summary>A virtual key's limits shared across instances: admitted from the leased share, refused when the store is out.</summary>
public sealed class SharedCallerLimitsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z");

    [Fact]
    public void Should_lease_before_admitting_then_admit_from_the_share_and_refuse_across_instances_when_the_store_refuses()
    {
        var limits = new CallerLimits(new QuotaShares());

        var lacking = limits.TryAdmit("vk", rpm: 3, tpm: null, 0, Now)!;
        var want = Assert.Single(lacking.Wants!);
        limits.Granted(want, new QuotaGrant(1, 1, null, 0), Now);
        var admitted = limits.TryAdmit("vk", rpm: 3, tpm: null, 0, Now);
        var again = Assert.Single(limits.TryAdmit("vk", rpm: 3, tpm: null, 0, Now)!.Wants!);
        limits.Granted(again, new QuotaGrant(0, 0, Now.AddSeconds(45), 2), Now);
        var refused = limits.TryAdmit("vk", rpm: 3, tpm: null, 0, Now);

        Assert.Equal(new QuotaKey(QuotaKey.Callers, "vk", "", QuotaDimension.RequestsPerMinute), want.Key);
        Assert.Null(admitted);
        Assert.Equal(Now.AddSeconds(45), refused!.RetryAt);
        Assert.Equal("this key's limit of 3 requests per minute is reached across instances", refused.Reason);
        Assert.Null(refused.Wants);
    }
}
