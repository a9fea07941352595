using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Features.StoredResponses;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>
/// A gateway on a fresh schema with two organisations, each with a virtual key. Responses are put in through the
/// gateway's own <see cref="ResponseStore"/>, as the Responses dialect stores them, and read back over real HTTP.
/// </summary>
public abstract class StoredResponsesTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    internal TestDatabase Db { get; private set; } = null!;

    internal GatewayServer Server { get; private set; } = null!;

    internal TenancyApi Admin { get; private set; } = null!;

    internal string OrgId { get; private set; } = "";

    internal string Secret { get; private set; } = "";

    internal string OtherSecret { get; private set; } = "";

    internal ResponseStore Store => Server.Services.GetRequiredService<ResponseStore>();

    internal static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Db = await postgres.NewDatabaseAsync(GetType().Name);
        Server = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema);
        Admin = TenancyApi.Admin(Server);
        OrgId = await Admin.CreateOrganizationAsync();
        (_, Secret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "responses" });
        (_, OtherSecret) = await Admin.IssueKeyAsync(new { org_id = await Admin.CreateOrganizationAsync("Other"), name = "other" });
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>The official OpenAI .NET SDK's Responses client, pointed at the gateway with a key.</summary>
    internal ResponsesClient Responses(string secret) =>
        new(new ApiKeyCredential(secret), new ResponsesClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });

    /// <summary>Stores a sample response of this test's organisation.</summary>
    internal async Task<StoredResponse> SaveAsync(string id, string? previous = null, string[]? inputIds = null)
    {
        var response = SampleResponses.Of(OrgId, id, previous, inputIds);
        await Store.SaveAsync(response, Ct);
        return response;
    }

    /// <summary>A call with a key (or none), as raw HTTP: the status, the body text and the response.</summary>
    internal async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? secret)
    {
        using var request = new HttpRequestMessage(method, path);
        if (secret is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        var response = await Server.Client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    /// <summary>The error object of an OpenAI-shaped error body, after checking the status.</summary>
    internal async Task<JsonObject> ErrorAsync(HttpMethod method, string path, string? secret, HttpStatusCode expected)
    {
        var (status, text, _) = await SendAsync(method, path, secret);
        Assert.True(status == expected, $"{method} {path}: expected {(int)expected}, got {(int)status}: {text}");
        return JsonNode.Parse(text)!["error"]!.AsObject();
    }
}
