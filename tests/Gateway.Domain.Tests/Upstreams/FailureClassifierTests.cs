using Gateway.Domain.Upstreams;

namespace Gateway.Domain.Tests.Upstreams;

public sealed class FailureClassifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z");

    private static string Gemini429(string quotaId, string retryDelay) => $$$"""
        {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[
          {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"{{{quotaId}}}","quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"250"}]},
          {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{{{retryDelay}}}"}]}}
        """;

    [Fact]
    public void Should_treat_a_gemini_per_day_quota_as_exhausted_until_reset_whatever_retry_delay_says()
    {
        var failure = FailureClassifier.Classify(429, null, Gemini429("GenerateRequestsPerDayPerProjectPerModel-FreeTier", "43s"), Now);

        Assert.Equal(FailureKind.DailyQuotaExhausted, failure.Kind);
        Assert.Null(failure.RetryAfter);
        Assert.Equal("gemini-2.5-flash", failure.Model);
        Assert.True(failure.ShouldRotate);
    }

    [Fact]
    public void Should_cool_a_gemini_per_minute_quota_down_for_the_retry_delay()
    {
        var failure = FailureClassifier.Classify(429, null, Gemini429("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "12.5s"), Now);

        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(12.5), failure.RetryAfter);
        Assert.Equal("gemini-2.5-flash", failure.Model);
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("Sun, 22 Nov 2026 12:01:00 GMT", 60)]
    public void Should_honour_retry_after_as_seconds_or_a_date(string header, int seconds)
    {
        var failure = FailureClassifier.Classify(429, header, """{"error":{"message":"Rate limit reached for gpt-4o","type":"requests"}}""", Now);

        Assert.Equal(FailureKind.RateLimited, failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), failure.RetryAfter);
    }

    [Theory]
    [InlineData(401, FailureKind.KeyRejected)]
    [InlineData(403, FailureKind.KeyRejected)]
    [InlineData(500, FailureKind.Transient)]
    [InlineData(502, FailureKind.Transient)]
    [InlineData(503, FailureKind.Transient)]
    [InlineData(529, FailureKind.Transient)]
    [InlineData(404, FailureKind.BadRequest)]
    [InlineData(422, FailureKind.BadRequest)]
    public void Should_classify_statuses(int status, FailureKind expected) =>
        Assert.Equal(expected, FailureClassifier.Classify(status, null, """{"error":{"message":"nope"}}""", Now).Kind);

    [Theory]
    [InlineData("""{"error":{"message":"This model's maximum context length is 128000 tokens.","code":"context_length_exceeded"}}""")]
    [InlineData("""{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}""")]
    [InlineData("""{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""")]
    public void Should_recognise_context_length_errors_of_each_provider_and_not_rotate(string body)
    {
        var failure = FailureClassifier.Classify(400, null, body, Now);

        Assert.Equal(FailureKind.ContextLength, failure.Kind);
        Assert.False(failure.ShouldRotate);
    }

    [Fact]
    public void Should_describe_a_rejected_key_with_the_upstream_message_only()
    {
        var failure = FailureClassifier.Classify(401, null, """{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error"}}""", Now);

        Assert.Equal("upstream answered 401: Incorrect API key provided: sk-abc***xyz.", failure.Detail);
    }

    [Fact]
    public void Should_survive_bodies_that_are_not_json()
    {
        var failure = FailureClassifier.Classify(502, null, "<html>Bad gateway</html>", Now);

        Assert.Equal(FailureKind.Transient, failure.Kind);
        Assert.Contains("Bad gateway", failure.Detail, StringComparison.Ordinal);
    }
}
