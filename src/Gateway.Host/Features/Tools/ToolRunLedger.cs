using Gateway.Domain.Budgets;
using Gateway.Domain.Chat;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Usage;
using Gateway.Tools;
using Npgsql;

namespace Gateway.Host.Features.Tools;

/// <summary>Who a request's tool runs are for, as their usage records and budget holds need it.</summary>
/// <param name="Dialect">The client's dialect, as the request's model calls record it (<c>openai</c>, <c>anthropic</c>, <c>gemini</c>).</param>
internal sealed record ToolCaller(Principal Principal, string RequestId, string Dialect, bool Stream);

/// <summary>
/// The money side of one tool run: held on the budgets at its worst case before it runs, then settled at its real
/// cost and recorded as a usage record of its own (provider <c>gateway</c>, model the tool's type, endpoint
/// <c>tool</c>, the request's id). A run that did not succeed is recorded at no cost and its hold released.
/// </summary>
internal sealed class ToolRunLedger(BudgetLedger ledger, UsageLog log, TimeProvider time)
{
    public const string Provider = "gateway";

    public const string Endpoint = "tool";

    /// <summary>Holds the run's worst case: one request, no tokens, the price at its longest.</summary>
    public async Task<RefusalOr<BudgetLedger.Admission>> AdmitAsync(ToolCaller caller, GatewayToolKind kind, decimal worstCase, CancellationToken ct)
    {
        try
        {
            return await ledger.AdmitAsync(caller.Principal, [(Provider, GatewayToolNames.Type(kind))], new Spend(worstCase, 0, 1), ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Headroom could not be leased: refusing is the only way to keep the limit.
            return new Refusal(503, "budget_unavailable", "budget state cannot be read right now; retry shortly");
        }
    }

    /// <summary>Settles (or, for a run that failed, releases) the hold and records the run.</summary>
    public void Record(ToolCaller caller, GatewayToolKind kind, BudgetLedger.Admission admission, ToolRun run, ToolPrice price, DateTimeOffset startedAt, TimeSpan took)
    {
        var type = GatewayToolNames.Type(kind);
        var p = caller.Principal;
        var record = new InferenceRecord(
            Guid.CreateVersion7(), caller.RequestId, p.OrgId, p.UserId, p.KeyId, caller.Dialect, Endpoint, type, Provider, type, null,
            Status(run.Status), caller.Stream, startedAt, took.TotalMilliseconds, null, 0, 0, 0, false, false, [],
            Cost: run.Succeeded ? price.Cost(run.Billable) : 0m);
        if (!run.Succeeded)
        {
            BudgetLedger.Release(admission);
            log.Record(record);
            return;
        }

        log.Record(record with { Charges = BudgetLedger.Settle(admission, p, Provider, type, record.Spend) });
    }

    /// <summary>A run's end as the usage record's status: 200, 400 for arguments the tool could not take, 502 for a tool that failed.</summary>
    private static int Status(ToolRunStatus status) => status switch
    {
        ToolRunStatus.Succeeded => 200,
        ToolRunStatus.InvalidArguments => 400,
        ToolRunStatus.Failed => 502,
    };

    public DateTimeOffset Now => time.GetUtcNow();
}
