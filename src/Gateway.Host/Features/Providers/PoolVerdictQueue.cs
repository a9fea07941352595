using System.Threading.Channels;
using Gateway.Domain.Upstreams;

namespace Gateway.Host.Features.Providers;

/// <summary>One verdict of a provider's pool on its way to the other instances.</summary>
internal sealed record LearnedVerdict(string Provider, PoolVerdict Verdict);

/// <summary>
/// Where a request leaves what its pool learned (<see cref="KeyPool.Fail"/>) for <see cref="PoolStateWriter"/> to share,
/// so the request never waits on PostgreSQL for it. Bounded: when full, the oldest verdict goes, with a warning;
/// only a hint is lost (the other instances learn it from the upstream themselves, as before).
/// </summary>
internal sealed partial class PoolVerdictQueue
{
    public const int DefaultCapacity = 4096;

    private readonly Channel<LearnedVerdict> _channel;
    private readonly ILogger<PoolVerdictQueue> _logger;

    public PoolVerdictQueue(ILogger<PoolVerdictQueue> logger, int capacity = DefaultCapacity)
    {
        _logger = logger;
        _channel = Channel.CreateBounded<LearnedVerdict>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => LogDropped(dropped.Provider, dropped.Verdict.Kind, dropped.Verdict.KeyId));
    }

    public ChannelReader<LearnedVerdict> Reader => _channel.Reader;

    public void Add(string provider, PoolVerdict verdict) => _channel.Writer.TryWrite(new LearnedVerdict(provider, verdict));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue of key-pool verdicts to share is full; dropped the oldest ({Provider}, {Kind} of {KeyId}), which the other instances will not learn from here")]
    private partial void LogDropped(string provider, PoolVerdictKind kind, string keyId);
}
