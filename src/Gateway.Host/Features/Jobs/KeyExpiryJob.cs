using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Tenancy;
using Gateway.Host.Persistence.EventStore;
using Quartz;

namespace Gateway.Host.Features.Jobs;

/// <summary>
/// Turns each passed key expiry into a <c>key.expired</c> event, so the audit log shows when a key
/// stopped working. Authentication needs none of this (it compares expires_at itself); the event is
/// the record. Once per expiry: the append expects the version the key was read at, and the
/// projection marks the expiry recorded in the same transaction.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class KeyExpiryJob(TenancyReadStore read, TenancyWriter writer, TimeProvider time, ILogger<KeyExpiryJob> logger) : IJob
{
    public const string Name = "key_expiry";

    /// <summary>How the job appears as the actor of the events it appends.</summary>
    public const string Actor = "job:key_expiry";

    /// <summary>Keys handled per run; more wait for the next run a minute later.</summary>
    private const int Batch = 500;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int recorded = 0, changed = 0;
        foreach (var (row, recordedFor) in await read.ExpiredUnrecordedKeysAsync(now, Batch, cancellationToken))
        {
            if (TenancyDecisions.RecordExpiry(row.State, recordedFor, now).Event is not KeyExpired expired)
                continue;
            try
            {
                await writer.AppendAsync(expired, row.State.OrgId, ExpectedVersion.Exactly(row.State.Version), Actor, context.FireInstanceId, cancellationToken);
                LogRecorded(row.State.Id, row.State.OrgId, expired.ExpiresAt);
                recorded++;
            }
            catch (ConcurrencyException)
            {
                // Changed since it was read (a new expiry, a revocation): the next run decides on what it is now.
                changed++;
            }
        }

        context.Result = changed == 0
            ? $"recorded {recorded} key expiries"
            : $"recorded {recorded} key expiries; {changed} keys changed meanwhile and wait for the next run";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} of organization {OrgId} expired at {ExpiresAt:O}; recorded as key.expired")]
    private partial void LogRecorded(string keyId, string orgId, DateTimeOffset expiresAt);
}
