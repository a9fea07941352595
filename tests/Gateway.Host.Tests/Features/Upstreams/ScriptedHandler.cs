using System.Net;
using System.Text;

namespace Gateway.Host.Tests.Features.Upstreams;

/// <summary>
/// The network, as the caller sees it: answers each request with the next scripted answer and keeps what was asked
/// (the key it carried, by the Bearer token) so a test can tell which key each attempt used.
/// </summary>
internal sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new(answers);
    private readonly List<string> _keys = [];

    /// <summary>The key of each request, in order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    public static Func<HttpResponseMessage> Ok(string json = """{"id":"chatcmpl-1","choices":[]}""") => () => Json(HttpStatusCode.OK, json);

    public static Func<HttpResponseMessage> Status(HttpStatusCode status, string json = """{"error":{"message":"no"}}""", string? retryAfter = null) => () =>
    {
        var response = Json(status, json);
        if (retryAfter is not null)
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _keys.Add(request.Headers.Authorization?.Parameter ?? "");
        return Task.FromResult(_answers.TryDequeue(out var answer) ? answer() : throw new InvalidOperationException("more requests than the script has answers"));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
