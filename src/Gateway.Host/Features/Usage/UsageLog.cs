using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Pricing;
using Gateway.Host.Hosting;
using Npgsql;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Where every request's record goes: priced at once, journaled to local disk on the request path,
/// and moved to PostgreSQL in batches off it. Nothing is lost when the database is unreachable (the
/// journal waits) or when the process is killed (the next start finds the journal), and nothing is
/// counted twice when a batch is replayed.
/// </summary>
internal sealed partial class UsageLog(
    UsageJournal journal, UsageWriter writer, PriceStore prices, BudgetLedger ledger, BudgetAlerts alerts, ILogger<UsageLog> logger) : BackgroundService
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _drain = new(1, 1);
    private bool _failing;

    public static string FolderFor(GatewaySettings settings) => Path.Combine(settings.DataDir, "usage-journal", settings.Schema);

    /// <summary>
    /// The record with what it cost: its usage at the price of its provider and upstream model in force when it
    /// started. The only place a request is priced, whether to charge its budgets first or to store it.
    /// </summary>
    public InferenceRecord Priced(InferenceRecord record) =>
        record.PricedAt(prices.Cost(record.Provider, record.UpstreamModel, record.StartedAt, record.Usage));

    /// <summary>Journals the record, priced unless the caller priced it already (to charge budgets).</summary>
    public void Record(InferenceRecord record) => journal.Append((record.Cost is null ? Priced(record) : record) with { Instance = ledger.Instance });

    /// <summary>Stores everything recorded so far; throws when the database cannot take it (tests, shutdown).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _drain.WaitAsync(ct);
        try
        {
            foreach (var segment in journal.Seal())
                await StoreAsync(segment, ct);
        }
        finally
        {
            _drain.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                    if (_failing)
                    {
                        _failing = false;
                        LogRecovered();
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    // The segments stay on disk and are tried again next tick.
                    if (!_failing)
                        LogSpooling(e, journal.Folder);
                    _failing = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or OperationCanceledException)
        {
            LogLeftForNextStart(e, journal.Folder);
        }
    }

    public override void Dispose()
    {
        _drain.Dispose();
        journal.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task StoreAsync(string segment, CancellationToken ct)
    {
        var records = journal.RecordsOf(segment, torn => LogTornLines(torn, segment));
        foreach (var batch in records.Chunk(BatchSize))
        {
            // This instance's charges are on their way while the batch is written: an instance asking this one what it
            // keeps unstored must not hear of spend the database may have taken already.
            var ours = batch.Where(r => r.Charges is { Count: > 0 } && r.Instance == ledger.Instance).ToList();
            foreach (var r in ours)
                ledger.Storing(r.Charges!, r.Spend);
            try
            {
                await writer.WriteAsync(batch, ct);
            }
            catch
            {
                foreach (var r in ours)
                    ledger.NotStored(r.Charges!, r.Spend);
                throw;
            }

            // A record of ours the write did not insert was stored before (an earlier attempt committed although it seemed
            // to fail): it is in the database's spend all the same, and counting it unstored again would count it twice.
            foreach (var r in ours)
                ledger.Stored(r.Charges!, r.Spend);

            // Every charged period of the batch, replayed rows included: an alert a crash kept from being raised is raised now.
            await alerts.CheckAsync([.. batch.SelectMany(r => r.Charges ?? [])], ct);
        }

        journal.Stored(segment);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage records cannot reach the database; keeping them in {Folder} until it is back")]
    private partial void LogSpooling(Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database is back; usage records kept meanwhile are stored")]
    private partial void LogRecovered();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage records left in {Folder} for the next start: the database did not take them at shutdown")]
    private partial void LogLeftForNextStart(Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Count} torn line(s) in {Segment} (a process stopped mid-write)")]
    private partial void LogTornLines(int count, string segment);
}
