using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>Drives the management API over real HTTP as a given caller (admin token or virtual key).</summary>
internal sealed class TenancyApi(Uri baseAddress, string secret) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static TenancyApi Admin(GatewayServer server) => new(server.Client.BaseAddress!, GatewayServer.AdminToken);

    public TenancyApi As(string otherSecret) => new(_http.BaseAddress!, otherSecret);

    public void Dispose() => _http.Dispose();

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (body is not null)
            request.Content = body is string raw ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body);
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _http.SendAsync(request);
    }

    public async Task<JsonObject> OkAsync(HttpMethod method, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<string> CreateOrganizationAsync(string name = "Acme") =>
        (string)(await OkAsync(HttpMethod.Post, "/v1/organizations", new { name }, HttpStatusCode.Created))["id"]!;

    public async Task<string> CreateUserAsync(string orgId, string role = "member", string? externalId = null) =>
        (string)(await OkAsync(HttpMethod.Post, "/v1/users", new { org_id = orgId, external_id = externalId ?? Guid.NewGuid().ToString("N"), role }, HttpStatusCode.Created))["id"]!;

    /// <returns>The key's id and its secret.</returns>
    public async Task<(string Id, string Secret)> IssueKeyAsync(object request)
    {
        var key = await OkAsync(HttpMethod.Post, "/v1/keys", request, HttpStatusCode.Created);
        return ((string)key["id"]!, (string)key["secret"]!);
    }

    /// <summary>GET /v1/me as this caller: the status and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> MeAsync()
    {
        var response = await SendAsync(HttpMethod.Get, "/v1/me");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
