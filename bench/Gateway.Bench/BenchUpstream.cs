using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Bench;

/// <summary>
/// A minimal OpenAI-compatible upstream for the proxy benchmark, run as its own process so the
/// gateway and the load generator do not share its heap: a fixed JSON answer, or ten SSE chunks. For the tool-loop
/// benchmark it calls the gateway's web search when offered it and not yet answered, and is the SearXNG backend that
/// search asks (no results, at once).
/// </summary>
internal static class BenchUpstream
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1763800000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"The quick brown fox jumps over the lazy dog."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}""");

    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(0, 10).Select(i => $"data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1763800000,\"model\":\"bench-model\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word{i} \"}},\"finish_reason\":null}}]}}\n\n"))
        + "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1763800000,\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}}\n\n"
        + "data: [DONE]\n\n");

    private static readonly byte[] SearchCall = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1763800000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_bench","type":"function","function":{"name":"gateway_web_search","arguments":"{\"query\":\"fox\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}""");

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var stream = body.Contains("\"stream\":true", StringComparison.Ordinal);
            if (body.Contains("\"name\":\"gateway_web_search\"", StringComparison.Ordinal) && !body.Contains("\"role\":\"tool\"", StringComparison.Ordinal))
            {
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(SearchCall);
                return;
            }

            context.Response.ContentType = stream ? "text/event-stream" : "application/json";
            await context.Response.Body.WriteAsync(stream ? Stream : Completion);
        });
        app.MapGet("/search", () => Results.Text("""{"query":"fox","results":[]}""", "application/json"));
        await app.RunAsync();
    }
}
