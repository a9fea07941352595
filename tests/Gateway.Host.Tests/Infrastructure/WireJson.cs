using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>Exact JSON over HTTP, the way a dialect's client sends and reads it.</summary>
internal static class WireJson
{
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
}
