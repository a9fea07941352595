using System.Diagnostics;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Usage;

/// <summary>Collects what is known of a request at its start, and completes its record at its end.</summary>
internal sealed class InferenceRecordBuilder(
    Principal principal, string dialect, string endpoint, string requestedModel, bool stream, DateTimeOffset startedAt, string requestId)
{
    public InferenceRecord Finish(
        int status, Stopwatch clock, IReadOnlyList<AttemptRecord> attempts, string? provider = null, string? upstreamModel = null,
        string? upstreamKeyId = null, ChatUsage? usage = null, bool usageEstimated = false, double? timeToFirstTokenMs = null, bool clientCancelled = false) =>
        new(Guid.CreateVersion7(), requestId, principal.OrgId, principal.UserId, principal.KeyId, dialect, endpoint, requestedModel, provider, upstreamModel, upstreamKeyId,
            status, stream, startedAt, clock.Elapsed.TotalMilliseconds, timeToFirstTokenMs,
            usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0, usage?.CachedTokens ?? 0, usageEstimated, clientCancelled, attempts,
            CacheWrite5mTokens: usage?.CacheWrite5mTokens ?? 0, CacheWrite1hTokens: usage?.CacheWrite1hTokens ?? 0);
}
