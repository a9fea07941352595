using Gateway.Domain.Chat.Gemini;
using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class KeyPoolTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");
    private const string Flash = "gemini-2.5-flash";

    private static KeyPool Pool(SelectionStrategy strategy, params PoolKey[] keys) => Pool(new PoolOptions(strategy), keys);

    private static KeyPool Pool(PoolOptions options, params PoolKey[] keys)
    {
        var pool = new KeyPool(GeminiApi.QuotaZone, options, new Random(42));
        foreach (var key in keys)
            pool.Add(key);
        return pool;
    }

    private static string Use(KeyPool pool, DateTimeOffset? at = null, string model = Flash, string? sticky = null)
    {
        var selection = pool.Acquire(model, at ?? Now, stickyKey: sticky);
        Assert.NotNull(selection.Lease);
        pool.Succeed(selection.Lease, 0, at ?? Now);
        return selection.Lease.KeyId;
    }

    private static UpstreamFailure RateLimited(TimeSpan? after = null, string? model = null) => new(FailureKind.RateLimited, after, model, "rate limited");

    [Fact]
    public void Should_spread_requests_evenly_over_keys_when_least_used()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"), new PoolKey("b"), new PoolKey("c"));

        var used = Enumerable.Range(0, 9).Select(i => Use(pool, Now.AddSeconds(i))).ToList();

        Assert.All(used.GroupBy(k => k), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void Should_cycle_in_configured_order_when_round_robin()
    {
        var pool = Pool(SelectionStrategy.RoundRobin, new PoolKey("a"), new PoolKey("b"), new PoolKey("c"));

        Assert.Equal(["a", "b", "c", "a", "b"], Enumerable.Range(0, 5).Select(_ => Use(pool)));
    }

    [Fact]
    public void Should_fill_the_first_key_before_touching_the_next_when_sequential()
    {
        var limited = new QuotaLimits(Rpm: 3, Rpd: null, Tpm: null);
        var pool = Pool(SelectionStrategy.Sequential, new PoolKey("a", Limits: limited), new PoolKey("b", Limits: limited));

        Assert.Equal(["a", "a", "a", "b", "b"], Enumerable.Range(0, 5).Select(_ => Use(pool)));
    }

    [Fact]
    public void Should_prefer_the_key_with_fewest_requests_today_when_lowest_rpd()
    {
        var pool = Pool(SelectionStrategy.LowestRequestsToday, new PoolKey("a"), new PoolKey("b"));
        Use(pool, Now.AddHours(-3));
        Use(pool, Now.AddHours(-2));
        Use(pool, Now.AddHours(-1));

        var counts = pool.Status(Now).ToDictionary(s => s.KeyId, s => s.Quotas[Flash].RequestsToday);

        Assert.Equal(3, counts["a"] + counts["b"]);
        Assert.Equal(counts["a"] < counts["b"] ? "a" : "b", Use(pool));
    }

    [Fact]
    public void Should_favour_keys_with_more_quota_left_when_weighted()
    {
        var limits = new QuotaLimits(null, Rpd: 1000, null);
        var pool = Pool(SelectionStrategy.WeightedByRemaining, new PoolKey("fresh", Limits: limits), new PoolKey("tired", Limits: limits));
        for (var i = 0; i < 900; i++)
            pool.Succeed(pool.Acquire(Flash, Now, exclude: new HashSet<string> { "fresh" }).Lease!, 0, Now);

        var fresh = Enumerable.Range(0, 200).Count(_ => Use(pool) == "fresh");

        // 100% of its quota left against 10%: about nine picks in ten.
        Assert.InRange(fresh, 160, 195);
    }

    [Fact]
    public void Should_keep_a_caller_on_its_key_while_it_can_serve_and_return_it_there_after_a_cooldown()
    {
        var pool = Pool(SelectionStrategy.Sticky, new PoolKey("a"), new PoolKey("b"), new PoolKey("c"), new PoolKey("d"));
        var home = Use(pool, sticky: "user-42");

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(home, Use(pool, sticky: "user-42")));

        var lease = pool.Acquire(Flash, Now, stickyKey: "user-42").Lease!;
        pool.Fail(lease, RateLimited(TimeSpan.FromSeconds(30)), Now);
        Assert.NotEqual(home, Use(pool, Now.AddSeconds(1), sticky: "user-42"));
        Assert.Equal(home, Use(pool, Now.AddSeconds(31), sticky: "user-42"));
        Assert.Contains(Enumerable.Range(0, 20).Select(i => Use(pool, Now.AddSeconds(31), sticky: $"user-{i}")), k => k != home);
    }

    [Fact]
    public void Should_use_a_lower_priority_tier_only_when_every_key_of_the_higher_one_is_unavailable()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("paid", Priority: 0), new PoolKey("free-1", Priority: 1), new PoolKey("free-2", Priority: 1));

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal("paid", Use(pool)));

        pool.Fail(pool.Acquire(Flash, Now).Lease!, RateLimited(TimeSpan.FromMinutes(1)), Now);
        Assert.StartsWith("free-", Use(pool), StringComparison.Ordinal);
        Assert.Equal("paid", Use(pool, Now.AddMinutes(2)));
    }

    [Fact]
    public void Should_cap_requests_in_flight_per_key_scaled_by_its_tier_multiplier()
    {
        var options = new PoolOptions(ConcurrencyMultipliers: new Dictionary<int, double> { [0] = 2.0 });
        var pool = Pool(options, new PoolKey("paid", Priority: 0, MaxConcurrency: 1), new PoolKey("free", Priority: 1, MaxConcurrency: 1));

        var leases = Enumerable.Range(0, 3).Select(_ => pool.Acquire(Flash, Now).Lease!).ToList();
        var fourth = pool.Acquire(Flash, Now);

        Assert.Equal(["paid", "paid", "free"], leases.Select(l => l.KeyId));
        Assert.Null(fourth.Lease);
        Assert.Contains("concurrency", fourth.Reason, StringComparison.Ordinal);
        pool.Succeed(leases[0], 10, Now);
        Assert.Equal("paid", pool.Acquire(Flash, Now).Lease!.KeyId);
    }

    [Fact]
    public void Should_refuse_beyond_requests_per_minute_and_say_when_the_first_slot_frees()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a", Limits: new QuotaLimits(2, null, null)));
        Use(pool, Now);
        Use(pool, Now.AddSeconds(10));

        var refused = pool.Acquire(Flash, Now.AddSeconds(20));

        Assert.Null(refused.Lease);
        Assert.Equal(Now.AddMinutes(1), refused.RetryAt);
        Assert.Equal("requests-per-minute limit reached", refused.Reason);
        Assert.Equal("a", Use(pool, Now.AddSeconds(61)));
    }

    [Fact]
    public void Should_share_limits_and_cooldowns_between_keys_of_one_project()
    {
        var perProject = new QuotaLimits(Rpm: 3, null, null);
        var pool = Pool(SelectionStrategy.LeastUsed,
            new PoolKey("p1-a", Project: "p1", Limits: perProject), new PoolKey("p1-b", Project: "p1", Limits: perProject), new PoolKey("p2-a", Project: "p2", Limits: perProject));

        var used = Enumerable.Range(0, 6).Select(_ => Use(pool)).ToList();

        Assert.Equal(3, used.Count(k => k.StartsWith("p1", StringComparison.Ordinal)));
        Assert.Equal(3, used.Count(k => k == "p2-a"));
        Assert.Null(pool.Acquire(Flash, Now).Lease);
    }

    [Fact]
    public void Should_cool_down_every_model_of_a_quota_group_together_but_not_other_models()
    {
        var options = new PoolOptions(QuotaGroups: new Dictionary<string, string> { [Flash] = "flash", ["gemini-2.5-flash-lite"] = "flash" });
        var pool = Pool(options, new PoolKey("a"));

        pool.Fail(pool.Acquire(Flash, Now).Lease!, RateLimited(TimeSpan.FromSeconds(30)), Now);

        Assert.Null(pool.Acquire("gemini-2.5-flash-lite", Now.AddSeconds(1)).Lease);
        Assert.Equal("a", Use(pool, Now.AddSeconds(1), "gemini-2.5-pro"));
    }

    [Fact]
    public void Should_honour_the_upstreams_retry_hint_and_climb_the_ladder_when_there_is_none()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"));

        pool.Fail(pool.Acquire(Flash, Now).Lease!, RateLimited(TimeSpan.FromSeconds(17)), Now);
        Assert.Equal(Now.AddSeconds(17), pool.Acquire(Flash, Now).RetryAt);

        var t1 = Now.AddSeconds(18);
        pool.Fail(pool.Acquire(Flash, t1).Lease!, RateLimited(), t1);
        Assert.Equal(t1.AddSeconds(30), pool.Acquire(Flash, t1).RetryAt);

        var t2 = t1.AddSeconds(31);
        pool.Fail(pool.Acquire(Flash, t2).Lease!, RateLimited(), t2);
        Assert.Equal(t2.AddSeconds(60), pool.Acquire(Flash, t2).RetryAt);

        var t3 = t2.AddSeconds(61);
        Use(pool, t3);
        pool.Fail(pool.Acquire(Flash, t3).Lease!, RateLimited(), t3);
        Assert.Equal(t3.AddSeconds(10), pool.Acquire(Flash, t3).RetryAt);
    }

    [Fact]
    public void Should_bench_a_spent_daily_quota_until_midnight_pacific_for_that_model_only()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"));

        pool.Fail(pool.Acquire(Flash, Now).Lease!, new UpstreamFailure(FailureKind.DailyQuotaExhausted, null, Flash, "daily quota exhausted"), Now);
        var refused = pool.Acquire(Flash, Now.AddHours(5));

        Assert.Null(refused.Lease);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T08:00:00Z"), refused.RetryAt);
        Assert.Equal("a", Use(pool, Now, "gemini-2.5-pro"));
        Assert.Equal("a", Use(pool, DateTimeOffset.Parse("2026-11-23T08:00:01Z")));
    }

    [Fact]
    public void Should_stop_at_the_daily_limit_and_count_afresh_after_the_reset()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a", Limits: new QuotaLimits(null, Rpd: 2, null)));
        Use(pool);
        Use(pool, Now.AddMinutes(5));

        Assert.Equal(DateTimeOffset.Parse("2026-11-23T08:00:00Z"), pool.Acquire(Flash, Now.AddMinutes(10)).RetryAt);
        Assert.Equal("a", Use(pool, DateTimeOffset.Parse("2026-11-23T08:00:00Z")));
    }

    [Fact]
    public void Should_refuse_a_request_that_would_exceed_tokens_per_minute()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a", Limits: new QuotaLimits(null, null, Tpm: 1000)));
        var lease = pool.Acquire(Flash, Now).Lease!;
        pool.Succeed(lease, 900, Now);

        Assert.Equal("tokens-per-minute limit reached", pool.Acquire(Flash, Now.AddSeconds(1), estimatedTokens: 200).Reason);
        Assert.NotNull(pool.Acquire(Flash, Now.AddSeconds(1), estimatedTokens: 50).Lease);
        Assert.NotNull(pool.Acquire(Flash, Now.AddSeconds(61), estimatedTokens: 200).Lease);
    }

    [Fact]
    public void Should_disable_a_rejected_key_with_its_reason_until_it_is_enabled_again()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"), new PoolKey("b"));
        var lease = pool.Acquire(Flash, Now, exclude: new HashSet<string> { "b" }).Lease!;

        pool.Fail(lease, new UpstreamFailure(FailureKind.KeyRejected, null, null, "upstream answered 401: API key not valid"), Now);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal("b", Use(pool, Now.AddDays(2))));
        Assert.Equal("upstream answered 401: API key not valid", pool.Status(Now).Single(s => s.KeyId == "a").DisabledReason);
        pool.Enable("a");
        Assert.Contains("a", Enumerable.Range(0, 4).Select(_ => Use(pool, Now.AddDays(2))));
    }

    [Fact]
    public void Should_retry_a_first_transient_failure_on_the_same_key_and_bench_a_repeated_one()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"));
        var transient = new UpstreamFailure(FailureKind.Transient, null, null, "upstream answered 503");

        pool.Fail(pool.Acquire(Flash, Now).Lease!, transient, Now);
        Assert.Equal(NextStep.RetrySameKey, RetryPolicy.After(transient, 1));
        Assert.NotNull(pool.Acquire(Flash, Now).Lease);

        pool.Fail(new PoolLease("a", "key:a", Flash, Flash), transient, Now);
        Assert.Equal(NextStep.TryAnotherKey, RetryPolicy.After(transient, 2));
        Assert.Equal(Now.AddSeconds(10), pool.Acquire(Flash, Now).RetryAt);
    }

    [Fact]
    public void Should_leave_the_key_alone_when_the_request_itself_was_wrong()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"));
        var tooLong = new UpstreamFailure(FailureKind.ContextLength, null, null, "prompt is too long");

        pool.Fail(pool.Acquire(Flash, Now).Lease!, tooLong, Now);

        Assert.Equal(NextStep.Answer, RetryPolicy.After(tooLong, 1));
        Assert.Equal(0, pool.Status(Now).Single().ConsecutiveFailures);
        Assert.Equal("a", Use(pool));
    }

    [Fact]
    public void Should_never_exceed_a_keys_concurrency_cap_or_rpm_with_parallel_callers()
    {
        var limits = new QuotaLimits(Rpm: 500, null, null);
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a", MaxConcurrency: 3, Limits: limits), new PoolKey("b", MaxConcurrency: 3, Limits: limits));
        var inFlight = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        var peak = 0;
        var granted = 0;

        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var lease = pool.Acquire(Flash, Now).Lease;
            if (lease is null)
                return;
            Interlocked.Increment(ref granted);
            lock (inFlight)
                peak = Math.Max(peak, ++inFlight[lease.KeyId]);
            Thread.SpinWait(200);
            lock (inFlight)
                inFlight[lease.KeyId]--;
            pool.Succeed(lease, 1, Now);
        });

        Assert.InRange(peak, 1, 3);
        Assert.Equal(1000, granted);
        Assert.All(pool.Status(Now), s => Assert.Equal(500, s.Quotas[Flash].RequestsLastMinute));
    }

    [Fact]
    public void Should_send_a_model_only_to_keys_that_list_it_and_any_model_to_keys_whose_list_is_unknown()
    {
        var pool = Pool(SelectionStrategy.RoundRobin, new PoolKey("old"), new PoolKey("new"), new PoolKey("unknown"));
        pool.SetModels("old", new HashSet<string> { Flash });
        pool.SetModels("new", new HashSet<string> { Flash, "gemini-3-pro-preview" });

        var preview = Enumerable.Range(0, 4).Select(_ => Use(pool, model: "gemini-3-pro-preview")).ToList();
        var refused = Pool(SelectionStrategy.LeastUsed, new PoolKey("old"));
        refused.SetModels("old", new HashSet<string> { Flash });

        Assert.DoesNotContain("old", preview);
        Assert.Contains("new", preview);
        Assert.Contains("unknown", preview);
        Assert.Equal("does not serve this model", refused.Acquire("gemini-3-pro-preview", Now).Reason);
    }

    [Fact]
    public void Should_say_why_nothing_can_serve()
    {
        var empty = Pool(SelectionStrategy.LeastUsed);
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"));

        Assert.Equal("no keys are configured", empty.Acquire(Flash, Now).Reason);
        var tried = pool.Acquire(Flash, Now, exclude: new HashSet<string> { "a" });
        Assert.Equal("every key was already tried", tried.Reason);
        Assert.Equal(Now.AddSeconds(1), tried.RetryAt);
    }

    [Fact]
    public void Should_report_when_a_key_this_request_already_tried_frees_up()
    {
        var pool = Pool(SelectionStrategy.LeastUsed, new PoolKey("a"), new PoolKey("b"));
        pool.Fail(pool.Acquire(Flash, Now).Lease!, RateLimited(TimeSpan.FromSeconds(40)), Now);
        pool.Fail(pool.Acquire(Flash, Now).Lease!, RateLimited(TimeSpan.FromSeconds(20)), Now);

        Assert.Equal(Now.AddSeconds(20), pool.Acquire(Flash, Now, exclude: new HashSet<string> { "a", "b" }).RetryAt);
    }
}
