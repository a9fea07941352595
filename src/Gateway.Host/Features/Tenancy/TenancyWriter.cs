using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Npgsql;

namespace Gateway.Host.Features.Tenancy;

/// <summary>
/// Appends one tenancy event with who did it, then updates this instance's key directory at once
/// (other instances hear of it by NOTIFY). Turns storage refusals into HTTP answers.
/// </summary>
internal sealed class TenancyWriter(EventStore store, KeyDirectory directory)
{
    internal sealed record Outcome(long Version, IResult? Refusal);

    /// <summary>
    /// The common tail of every change to an existing resource: hold it to If-Match, refuse what the
    /// domain refused, append, set the new ETag, then answer with <paramref name="respond"/>(new version).
    /// </summary>
    public async Task<IResult> ApplyAsync(
        HttpContext context, string orgId, long currentVersion, Decision decision, Func<long, Task<IResult>> respond, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var expected = Versioning.Expected(context.Request, currentVersion, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (decision.Error is not null)
            return Problems.From(decision.Error);
        var outcome = await AppendAsync(context, decision.Event!, orgId, expected, ct);
        if (outcome.Refusal is not null)
            return outcome.Refusal;
        Versioning.SetETag(context, outcome.Version);
        return await respond(outcome.Version);
    }

    public async Task<Outcome> AppendAsync(HttpContext context, ITenancyEvent e, string orgId, ExpectedVersion expected, CancellationToken ct)
    {
        try
        {
            return new Outcome(await StoreAsync(e, new EventMetadata(orgId, context.Principal().Actor, context.TraceIdentifier), expected, ct), null);
        }
        catch (ConcurrencyException conflict)
        {
            return new Outcome(0, Versioning.Refusal(context.Request, conflict, "resource"));
        }
        catch (PostgresException unique) when (unique.SqlState == PostgresErrorCodes.UniqueViolation && unique.ConstraintName == "users_external_id_unique")
        {
            return new Outcome(0, Problems.Conflict("a user with this external_id already exists in the organization"));
        }
    }

    /// <summary>A change the gateway makes by itself (a background job), attributed to <paramref name="actor"/>.</summary>
    /// <exception cref="ConcurrencyException">The resource changed since it was read.</exception>
    public Task<long> AppendAsync(ITenancyEvent e, string orgId, ExpectedVersion expected, string actor, string correlationId, CancellationToken ct) =>
        StoreAsync(e, new EventMetadata(orgId, actor, correlationId), expected, ct);

    private async Task<long> StoreAsync(ITenancyEvent e, EventMetadata metadata, ExpectedVersion expected, CancellationToken ct)
    {
        var type = TenancyEventTypes.ByClrType[e.GetType()];
        var result = await store.AppendAsync(e.StreamId, type.Split('.')[0], expected, [NewEvent.Create(type, e, metadata)], ct);
        await directory.RefreshAsync(e.StreamId, ct);
        return result.Version;
    }
}
