namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>
/// Present on a request while a relay streams its answer: if the gateway fails before the stream ends,
/// <see cref="InferenceFaults"/> closes it with the dialect's error event, as the relay does when an
/// upstream breaks, instead of cutting it off.
/// </summary>
internal sealed class OpenStream(Func<StreamFault, string> failureEvent)
{
    public string FailureEvent(StreamFault fault) => failureEvent(fault);

    public static void Begin(HttpResponse response, Func<StreamFault, string> failureEvent) => response.HttpContext.Features.Set(new OpenStream(failureEvent));

    public static void End(HttpResponse response) => response.HttpContext.Features.Set<OpenStream>(null);
}
