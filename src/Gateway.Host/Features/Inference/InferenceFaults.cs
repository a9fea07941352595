using System.Text;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// An unexpected exception on an endpoint of a client dialect is answered in that dialect, so its SDK can
/// read it: 500 with the request id in the message (and in X-Request-Id), logged once here with its stack.
/// A stream already under way ends with the dialect's error event; an answer already complete (the failure
/// came in the bookkeeping after it) is left as it is. Management endpoints keep the problem+json handler.
/// A client's own fault that Kestrel reports (a malformed chunked body, a body sent too slowly) keeps its
/// 4xx status.
/// </summary>
internal sealed partial class InferenceFaults(RequestDelegate next, ILogger<InferenceFaults> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DialectEndpoint>() is not { } endpoint)
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            LogRefused(context.TraceIdentifier, context.Request.Path, e.Message);
            Restart(context);
            await DialectErrors.WriteAsync(context, endpoint.Dialect, e.StatusCode, "invalid_request_error", e.Message);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogFailed(e, context.TraceIdentifier, context.Request.Path);
            var message = $"the gateway failed on this request; it is logged under request id {context.TraceIdentifier}";
            if (!context.Response.HasStarted)
            {
                Restart(context);
                await DialectErrors.WriteAsync(context, endpoint.Dialect, 500, "internal_error", message);
            }
            else if (context.Features.Get<OpenStream>() is { } stream)
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(stream.FailureEvent(StreamFault.GatewayFailed(message))), CancellationToken.None);
                await context.Response.Body.FlushAsync(CancellationToken.None);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} to {Path} refused by the server: {Reason}")]
    private partial void LogRefused(string requestId, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} to {Path} failed")]
    private partial void LogFailed(Exception exception, string requestId, PathString path);

    /// <summary>Drops what the failed handler set on the response, keeping the request id.</summary>
    private static void Restart(HttpContext context)
    {
        context.Response.Clear();
        context.Response.Headers[RequestIdMiddleware.Header] = context.TraceIdentifier;
    }
}
