using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class CallerLimitsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");

    [Fact]
    public void Should_admit_up_to_the_requests_per_minute_and_say_when_the_next_one_may_come()
    {
        var limits = new CallerLimits();

        Assert.Null(limits.TryAdmit("k", rpm: 2, tpm: null, 0, Now));
        Assert.Null(limits.TryAdmit("k", rpm: 2, tpm: null, 0, Now.AddSeconds(10)));
        var refused = limits.TryAdmit("k", rpm: 2, tpm: null, 0, Now.AddSeconds(20));

        Assert.Equal(Now.AddMinutes(1), refused!.RetryAt);
        Assert.Contains("2 requests per minute", refused.Reason, StringComparison.Ordinal);
        Assert.Null(limits.TryAdmit("k", rpm: 2, tpm: null, 0, Now.AddSeconds(61)));
        Assert.Null(limits.TryAdmit("other", rpm: 2, tpm: null, 0, Now.AddSeconds(20)));
    }

    [Fact]
    public void Should_refuse_a_request_whose_tokens_would_pass_the_tokens_per_minute_already_spent()
    {
        var limits = new CallerLimits();
        Assert.Null(limits.TryAdmit("k", null, tpm: 1000, 600, Now));
        limits.Charge("k", 1000, 800, 600, Now);

        Assert.NotNull(limits.TryAdmit("k", null, tpm: 1000, 300, Now.AddSeconds(5)));
        Assert.Null(limits.TryAdmit("k", null, tpm: 1000, 150, Now.AddSeconds(5)));
        Assert.Null(limits.TryAdmit("k", null, tpm: 1000, 300, Now.AddSeconds(61)));
    }

    [Fact]
    public void Should_sum_a_minute_window_and_forget_what_left_it()
    {
        var window = new MinuteWindow();
        window.Add(Now, 5);
        window.Add(Now.AddSeconds(30), 7);

        Assert.Equal(12, window.Sum(Now.AddSeconds(59)));
        Assert.Equal(7, window.Sum(Now.AddSeconds(60)));
        Assert.Equal(Now.AddSeconds(90), window.NextExpiry(Now.AddSeconds(60)));
        Assert.Equal(0, window.Sum(Now.AddSeconds(91)));
        Assert.Null(window.NextExpiry(Now.AddSeconds(91)));
    }
}
