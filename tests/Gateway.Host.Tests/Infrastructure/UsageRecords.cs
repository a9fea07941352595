using System.Text.Json.Nodes;
using Gateway.Host.Features.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Infrastructure;

internal static class UsageRecords
{
    /// <summary>The newest usage record, after storing everything recorded so far; null when there is none.</summary>
    public static async Task<JsonObject?> LastAsync(GatewayServer server, TestDatabase db)
    {
        await server.Services.GetRequiredService<UsageLog>().FlushAsync(TestContext.Current.CancellationToken);
        var data = await db.ScalarAsync<string?>("select to_jsonb(u)::text from usage_records u order by at desc, id desc limit 1");
        return data is null ? null : JsonNode.Parse(data)!.AsObject();
    }
}
