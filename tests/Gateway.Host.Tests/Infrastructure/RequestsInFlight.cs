using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// Counts the requests a test server is handling, from before the gateway's first middleware until its
/// handler has returned. A client can read a whole answer before the handler that wrote it is done (the
/// usage record is written after the last byte), so "no request in flight" is what a test awaits before
/// it looks for what a request leaves behind.
/// </summary>
internal sealed class RequestsInFlight : IStartupFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            Interlocked.Increment(ref _count);
            try
            {
                await inner(context);
            }
            finally
            {
                Interlocked.Decrement(ref _count);
            }
        });
        next(app);
    };
}
