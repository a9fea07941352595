using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Inference;

/// <summary>Marks an endpoint as one of a client dialect's: its failures are answered in that dialect.</summary>
internal sealed record DialectEndpoint(Dialect Dialect);

/// <summary>
/// An inference endpoint's JSON body, for the OpenAPI document, with no content type that routing would
/// enforce: routing refuses a mismatch with a bare 415 in no dialect, where the pipeline refuses it in the
/// caller's (and reads a body sent without any Content-Type as JSON, as the upstream APIs do).
/// </summary>
internal sealed record JsonBody(Type RequestType) : IAcceptsMetadata
{
    public IReadOnlyList<string> ContentTypes => [];

    public bool IsOptional => false;
}

internal static class DialectEndpoints
{
    public static RouteHandlerBuilder InDialect(this RouteHandlerBuilder route, Dialect dialect) => route.WithMetadata(new DialectEndpoint(dialect));

    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder route) => route.WithMetadata(new JsonBody(typeof(T)));
}

/// <summary>
/// Present on a request while a relay streams its answer: if the gateway fails before the stream ends,
/// <see cref="InferenceFaults"/> closes it with the dialect's error event, as the relays do when an
/// upstream breaks, instead of cutting it off.
/// </summary>
internal sealed class OpenStream(Func<string, string> failureEvent)
{
    public string FailureEvent(string message) => failureEvent(message);

    public static void Begin(HttpResponse response, Func<string, string> failureEvent) => response.HttpContext.Features.Set(new OpenStream(failureEvent));

    public static void End(HttpResponse response) => response.HttpContext.Features.Set<OpenStream>(null);
}

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
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(stream.FailureEvent(message)), CancellationToken.None);
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
