using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// What the relay does with each event of one upstream stream: passes it on as it came, reading usage on the way
/// (<see cref="PassthroughEvents"/>), or translates it into the client's events (<see cref="TranslatedEvents"/>).
/// One instance per stream.
/// </summary>
internal interface IEventStrategy
{
    /// <summary>The usage the stream reported so far; null when it reported none (the relay then estimates).</summary>
    ChatUsage? Usage { get; }

    /// <summary>Characters of output seen, for the estimate when no usage is reported.</summary>
    int OutputChars { get; }

    /// <summary>What the client gets for one complete upstream event, its blank line included.</summary>
    EventStep Event(ReadOnlyMemory<byte> sseEvent);

    /// <summary>What the client gets when the upstream ended: bytes after the last complete event, and whatever closes the stream.</summary>
    EventStep End(ReadOnlyMemory<byte> rest);

    /// <summary>The client dialect's error event that ends a stream which failed after it began.</summary>
    string Failure(StreamFault fault);
}

/// <summary>What an upstream event gives the client: bytes to send (none when it is held back), and whether it ended the stream.</summary>
/// <param name="UpstreamFailed">The event was the upstream's error, and the bytes end the stream with the client's.</param>
internal readonly record struct EventStep(ReadOnlyMemory<byte> ToClient, bool UpstreamFailed = false);
