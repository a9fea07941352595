using System.Text.Json.Nodes;
using Gateway.Host.Features.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Infrastructure;

internal static class UsageRecords
{
    /// <summary>
    /// The newest usage record once at least <paramref name="atLeast"/> are stored; null when none came
    /// within 5 s. A stream is recorded just after its last event, and an SDK that stops reading at
    /// <c>[DONE]</c> can return before that: flushing once would race the gateway.
    /// </summary>
    public static async Task<JsonObject?> LastAsync(GatewayServer server, TestDatabase db, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            await server.Services.GetRequiredService<UsageLog>().FlushAsync(TestContext.Current.CancellationToken);
            if (await db.ScalarAsync<long>("select count(*) from usage_records") >= atLeast || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var data = await db.ScalarAsync<string?>("select to_jsonb(u)::text from usage_records u order by at desc, id desc limit 1");
        return data is null ? null : JsonNode.Parse(data)!.AsObject();
    }
}
