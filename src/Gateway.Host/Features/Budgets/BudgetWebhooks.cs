using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// Posts budget alerts to their budget's webhook, off the path that raised them: a JSON body with
/// <c>type: budget.alert</c>, a few attempts with backoff, redirects not followed (a tenant's URL
/// must not steer the gateway elsewhere), signed (<see cref="WebhookSignature"/>). The alert itself is already stored as an event; a webhook
/// that stays down loses only the call, and the log says so without the URL's path or query.
/// </summary>
internal sealed partial class BudgetWebhooks(JsonSerializerOptions json, WebhookSignature signature, TimeProvider time, ILogger<BudgetWebhooks> logger) : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];
    private readonly Channel<(string Url, BudgetAlert Alert)> _queue = Channel.CreateBounded<(string, BudgetAlert)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public void Enqueue(string url, BudgetAlert alert) => _queue.Writer.TryWrite((url, alert));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (url, alert) in _queue.Reader.ReadAllAsync(stoppingToken))
                await DeliverAsync(url, alert, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task DeliverAsync(string url, BudgetAlert alert, CancellationToken ct)
    {
        var node = JsonSerializer.SerializeToNode(alert, json)!.AsObject();
        node.Insert(0, "type", JsonValue.Create(BudgetEvents.Alerted));
        var body = JsonSerializer.SerializeToUtf8Bytes(node, json);
        var host = new Uri(url).GetLeftPart(UriPartial.Authority);
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
                // Signed per attempt: a retry carries a fresh timestamp.
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature.Sign(alert.BudgetId, body, time.GetUtcNow()));
                request.Headers.TryAddWithoutValidation("User-Agent", "gateway-budget-alerts");
                request.Headers.TryAddWithoutValidation("X-Gateway-Event", BudgetEvents.Alerted);
                using var response = await _http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                    return;
                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                failure = e is TaskCanceledException ? "no answer within 10 s" : e.Message;
            }

            if (attempt >= Backoff.Length)
            {
                LogUndelivered(alert.BudgetId, alert.Level, host, attempt + 1, failure);
                return;
            }

            await Task.Delay(Backoff[attempt], ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert for {BudgetId} at {Level}% not delivered to {Host} after {Attempts} attempts: {Failure}")]
    private partial void LogUndelivered(string budgetId, int level, string host, int attempts, string failure);
}
