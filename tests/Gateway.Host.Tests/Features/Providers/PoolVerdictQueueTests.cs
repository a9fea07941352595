using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Tests.Features.Providers;

/// <summary>The queue between a request and the table of shared pool state: it never blocks the request, and says what it drops.</summary>
public sealed class PoolVerdictQueueTests
{
    private static PoolVerdict CooledDown(string keyId) =>
        new(keyId, "key:" + keyId, "gpt-4o-mini", PoolVerdictKind.CooledDown, DateTimeOffset.UnixEpoch.AddYears(60), "rate limited");

    [Fact]
    public void Should_drop_the_oldest_verdict_with_a_warning_when_full()
    {
        using var logs = new CapturedLogs();
        using var factory = new LoggerFactory([logs]);
        var queue = new PoolVerdictQueue(factory.CreateLogger<PoolVerdictQueue>(), capacity: 2);

        queue.Add("fake", CooledDown("a"));
        queue.Add("fake", CooledDown("b"));
        queue.Add("fake", CooledDown("c"));

        Assert.True(queue.Reader.TryRead(out var first));
        Assert.True(queue.Reader.TryRead(out var second));
        Assert.Equal(["b", "c"], new[] { first.Verdict.KeyId, second.Verdict.KeyId });
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("dropped the oldest (fake, CooledDown of a)", warning.Message, StringComparison.Ordinal);
    }
}
