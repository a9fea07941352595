using System.Data.Common;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gateway.Host.Persistence.EventStore;
using Gateway.Tools.Outbound;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// Posts budget alerts to their budget's webhook, off the path that raised them, through the
/// <see cref="OutboundClient"/>: the guard checks the URL again at delivery (its DNS answer may have
/// changed since it was stored), and redirects are not followed (a tenant's URL must not steer the
/// gateway elsewhere). A JSON body with <c>type: budget.alert</c>, signed (<see cref="WebhookSignature"/>),
/// tried three times, 1 s and 5 s apart, unless the guard refuses it or the answer is a redirect. The alert is already stored as an
/// event; how its delivery ended is stored beside it as a <see cref="BudgetEvents.AlertDelivered"/> fact,
/// and neither it nor the log holds the URL's path or query.
/// </summary>
internal sealed partial class BudgetWebhooks(
    JsonSerializerOptions json, WebhookSignature signature, OutboundClient outbound, EventStore store, TimeProvider time, ILogger<BudgetWebhooks> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];
    private readonly Channel<(string Url, Guid AlertId, BudgetAlert Alert)> _queue = Channel.CreateBounded<(string, Guid, BudgetAlert)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <param name="alertId">The id of the alert's event, which the delivery's outcome names.</param>
    public void Enqueue(string url, Guid alertId, BudgetAlert alert) => _queue.Writer.TryWrite((url, alertId, alert));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (url, alertId, alert) in _queue.Reader.ReadAllAsync(stoppingToken))
                await RecordAsync(alert, await DeliverAsync(url, alertId, alert, stoppingToken), stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<BudgetAlertDelivery> DeliverAsync(string url, Guid alertId, BudgetAlert alert, CancellationToken ct)
    {
        var node = JsonSerializer.SerializeToNode(alert, json)!.AsObject();
        node.Insert(0, "type", JsonValue.Create(BudgetEvents.Alerted));
        var body = JsonSerializer.SerializeToUtf8Bytes(node, json);
        var uri = new Uri(url);
        for (var attempt = 1; ; attempt++)
        {
            var answer = await outbound.SendAsync(new OutboundRequest(HttpMethod.Post, uri)
            {
                Body = body,
                Headers =
                [
                    // Signed per attempt: a retry carries a fresh timestamp.
                    new(WebhookSignature.Header, signature.Sign(alert.BudgetId, body, time.GetUtcNow())),
                    new("User-Agent", "gateway-budget-alerts"),
                    new("X-Gateway-Event", BudgetEvents.Alerted),
                ],
            }, OutboundLimits.Webhook, ct);
            // A refusal or a redirect would meet the same answer again: only other failures are retried.
            var (status, reason, final) = answer switch
            {
                { IsSuccess: true } => (BudgetAlertDelivery.Delivered, answer.Reason, true),
                { Status: OutboundStatus.Refused } => (BudgetAlertDelivery.Refused, answer.Reason, true),
                { StatusCode: >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest } =>
                    (BudgetAlertDelivery.Failed, $"{answer.Reason} (redirects are not followed)", true),
                _ => (BudgetAlertDelivery.Failed, answer.Reason, attempt > Backoff.Length),
            };
            if (final)
                return new BudgetAlertDelivery(alertId, status, reason, attempt, time.GetUtcNow(), uri.Authority);
            await Task.Delay(Backoff[attempt - 1], time, ct);
        }
    }

    private async Task RecordAsync(BudgetAlert alert, BudgetAlertDelivery outcome, CancellationToken ct)
    {
        if (outcome.Status != BudgetAlertDelivery.Delivered)
            LogUndelivered(alert.BudgetId, alert.Level, outcome.Host, outcome.Attempts, outcome.Status, outcome.Reason);
        try
        {
            // The id follows from the alert's, so a second record of the same delivery is skipped.
            var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"budget-alert-delivery|{outcome.AlertId}")).AsSpan(0, 16));
            await store.AppendFactsAsync(alert.BudgetId, BudgetEvents.StreamType,
                [new NewEvent(id, BudgetEvents.AlertDelivered, outcome, new EventMetadata(alert.OrgId, "gateway", null))], ct);
        }
        catch (DbException e)
        {
            LogNotRecorded(e, alert.BudgetId, alert.Level, outcome.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert for {BudgetId} at {Level}% not delivered to {Host} ({Status} after {Attempts} attempt(s)): {Reason}")]
    private partial void LogUndelivered(string budgetId, int level, string host, int attempts, string status, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery of budget alert for {BudgetId} at {Level}% ({Status}) could not be recorded")]
    private partial void LogNotRecorded(Exception e, string budgetId, int level, string status);
}
