using System.Text;

namespace Gateway.Host.Features.Inference.Looping;

/// <summary>
/// Sends the client's writer's keep-alive frame on a timer while a loop waits between calls (a tool running, the next
/// call's first byte), so the open stream does not look dead to the client or a proxy. Disposing stops it and waits for
/// a frame being written, so the relay that follows owns the response alone.
/// </summary>
internal sealed class KeepAlive : IAsyncDisposable
{
    /// <summary>Often enough for proxies that close streams idle for 30 s or more.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly HttpResponse _response;
    private readonly byte[] _frame;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ITimer _timer;
    private bool _stopped;

    private KeepAlive(HttpResponse response, string frame, TimeProvider time)
    {
        _response = response;
        _frame = Encoding.UTF8.GetBytes(frame);
        _timer = time.CreateTimer(_ => _ = SendAsync(), null, Interval, Interval);
    }

    public static KeepAlive Start(HttpResponse response, string frame, TimeProvider time) => new(response, frame, time);

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await _writing.WaitAsync(CancellationToken.None);
        _stopped = true;
        _writing.Release();
    }

    private async Task SendAsync()
    {
        if (!await _writing.WaitAsync(0))
            return;
        try
        {
            // A tick that fired just before the timer was disposed must not write once the relay owns the response.
            if (_stopped)
                return;
            var aborted = _response.HttpContext.RequestAborted;
            await _response.Body.WriteAsync(_frame, aborted);
            await _response.Body.FlushAsync(aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client left: the loop's next write or wait notices it through RequestAborted.
        }
        finally
        {
            _writing.Release();
        }
    }
}
