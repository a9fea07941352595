using Npgsql;

namespace Gateway.Host.Persistence;

/// <summary>
/// Holds one connection that LISTENs on a channel and hands on the notifications meant for this
/// schema. Payloads are <c>schema</c> or <c>schema|detail</c>; other schemas sharing the database are
/// ignored. After every (re)connect it calls <c>onConnected</c>, so the caller can catch up on whatever
/// was sent while it was not listening.
/// </summary>
internal sealed partial class NotificationListener(NpgsqlDataSource dataSource, ILogger<NotificationListener> logger)
{
    public async Task RunAsync(string channel, Action<string> onNotification, Func<CancellationToken, Task> onConnected, TimeSpan retryDelay, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using (var schemaCmd = new NpgsqlCommand("select current_schema()", conn))
                {
                    var schema = (string)(await schemaCmd.ExecuteScalarAsync(ct))!;
                    conn.Notification += (_, e) =>
                    {
                        if (e.Payload == schema)
                            onNotification("");
                        else if (e.Payload.Length > schema.Length && e.Payload.StartsWith(schema + "|", StringComparison.Ordinal))
                            onNotification(e.Payload[(schema.Length + 1)..]);
                    };
                }

                await using (var listen = new NpgsqlCommand($"listen {channel}", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                await onConnected(ct);
                while (!ct.IsCancellationRequested)
                    await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenerFailed(e, channel);
                try
                {
                    await Task.Delay(retryDelay, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener on {Channel} lost its connection; reconnecting")]
    private partial void LogListenerFailed(Exception exception, string channel);
}
