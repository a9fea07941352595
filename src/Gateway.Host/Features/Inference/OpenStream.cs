namespace Gateway.Host.Features.Inference;

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
