using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>How a fake holds a request open: it sends nothing more until the client (the gateway) hangs up.</summary>
internal static class HangUp
{
    /// <summary>Completes when the client hangs up on the request, and never otherwise.</summary>
    public static Task ByClientAsync(HttpContext context)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        context.RequestAborted.Register(() => gone.TrySetResult());
        return gone.Task;
    }
}
