using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Infrastructure;

internal static class UsageRecords
{
    /// <summary>
    /// The newest usage record once the server has handled every request it took; null when none was
    /// recorded. A request is recorded just after its answer's last byte, and an SDK that stops reading at
    /// <c>[DONE]</c> can return before that: flushing before the handler is done would race the gateway.
    /// </summary>
    public static async Task<JsonObject?> LastAsync(GatewayServer server, TestDatabase db)
    {
        await server.FlushUsageAsync();
        var data = await db.ScalarAsync<string?>("select to_jsonb(u)::text from usage_records u order by at desc, id desc limit 1");
        return data is null ? null : JsonNode.Parse(data)!.AsObject();
    }
}
