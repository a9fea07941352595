using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI;
using OpenAI.Models;
using static Gateway.Host.Tests.Features.Inference.Gemini.GeminiWire;
using static Gateway.Host.Tests.Infrastructure.WireJson;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>
/// <c>GET /v1/models/{id}</c> and <c>GET /v1beta/models/{model}</c> answer for every name a request may use
/// (provider "fake" lists gpt-4o-mini and gpt-4o, "backup" lists backup-model, the alias "smart" is
/// fake:gpt-4o then backup:backup-model), as the official OpenAI .NET SDK and @google/genai ask for it.
/// </summary>
public sealed class ModelLookupTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task Should_answer_the_openai_sdks_get_model_for_every_name_a_request_may_use_with_that_name_as_its_id()
    {
        var sdk = Models(Secret);

        foreach (var (name, owner) in new[]
        {
            ("smart", "fake"), ("gpt-4o-mini", "fake"), ("fake:gpt-4o", "fake"), ("fake/gpt-4o", "fake"), ("backup:backup-model", "backup"),
        })
        {
            OpenAIModel model = await sdk.GetModelAsync(name, TestContext.Current.CancellationToken);
            Assert.Equal((name, owner), (model.Id, model.OwnedBy));
        }
    }

    [Fact]
    public async Task Should_refuse_in_openais_shape_a_name_that_leads_to_no_listed_model_this_key_may_use()
    {
        var (_, backupOnly) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "backup only", allowed_models = new[] { "backup:*" } });
        var (_, miniOnly) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "mini only", allowed_models = new[] { "fake:gpt-4o-mini" } });

        // The alias's first target is not this key's to use; its second is, so the alias leads there.
        OpenAIModel viaBackup = await Models(backupOnly).GetModelAsync("smart", TestContext.Current.CancellationToken);
        Assert.Equal(("smart", "backup"), (viaBackup.Id, viaBackup.OwnedBy));

        foreach (var (secret, name) in new[] { (Secret, "nope"), (Secret, "fake:not-listed"), (Secret, "nope:gpt-4o"), (backupOnly, "fake:gpt-4o"), (backupOnly, "gpt-4o-mini"), (miniOnly, "smart") })
        {
            var refused = await Assert.ThrowsAsync<ClientResultException>(() => Models(secret).GetModelAsync(name, TestContext.Current.CancellationToken));
            Assert.Equal(404, refused.Status);
            var error = JsonNode.Parse(refused.GetRawResponse()!.Content.ToString())!["error"]!;
            Assert.Equal(("model_not_found", "not_found_error"), ((string?)error["code"], (string?)error["type"]));
        }
    }

    [Fact]
    public async Task Should_answer_the_genai_clients_models_get_for_an_alias_a_bare_name_and_a_provider_model()
    {
        var run = await JsClients.NodeAsync(["genai-models.mjs"], new Dictionary<string, string>
        {
            ["GATEWAY_URL"] = Server.Client.BaseAddress!.ToString().TrimEnd('/'),
            ["GATEWAY_KEY"] = Secret,
            ["MODELS"] = "smart gpt-4o-mini models/fake:gpt-4o nope fake:not-listed",
        }, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, $"the genai client failed ({run.ExitCode}):\n{run.StdErr}\n{run.StdOut}");
        var seen = JsonNode.Parse(run.StdOut.Trim().Split('\n')[^1])!;
        var lookups = seen["lookups"]!;

        Assert.Equal("""{"name":"models/smart","displayName":"gpt-4o","supportedActions":["generateContent","streamGenerateContent","countTokens"]}""",
            lookups["smart"]!.ToJsonString());
        Assert.Equal(("models/gpt-4o-mini", "gpt-4o-mini"), ((string?)lookups["gpt-4o-mini"]!["name"], (string?)lookups["gpt-4o-mini"]!["displayName"]));
        Assert.Equal("models/fake:gpt-4o", (string?)lookups["models/fake:gpt-4o"]!["name"]);
        Assert.Equal((404, 404), ((int)lookups["nope"]!["status"]!, (int)lookups["fake:not-listed"]!["status"]!));
        Assert.Equal(["models/fake:gpt-4o-mini", "models/fake:gpt-4o", "models/backup:backup-model"], seen["listed"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task Should_look_up_gemini_models_by_escaped_and_prefixed_names_and_refuse_others_in_googles_shape()
    {
        using var http = Client(Server.Client.BaseAddress!, Secret);
        var (_, backupOnly) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "backup only", allowed_models = new[] { "backup:*" } });
        using var limited = Client(Server.Client.BaseAddress!, backupOnly);

        var escaped = await JsonAsync(await http.GetAsync("/v1beta/models/fake%2Fgpt-4o", TestContext.Current.CancellationToken));
        var slashed = await JsonAsync(await http.GetAsync("/v1beta/models/fake/gpt-4o", TestContext.Current.CancellationToken));
        var alias = await JsonAsync(await limited.GetAsync("/v1beta/models/smart", TestContext.Current.CancellationToken));
        var hidden = await limited.GetAsync("/v1beta/models/fake:gpt-4o", TestContext.Current.CancellationToken);

        Assert.Equal(("models/fake/gpt-4o", "fake:gpt-4o"), ((string?)escaped["name"], (string?)escaped["baseModelId"]));
        Assert.Equal(("models/fake/gpt-4o", "fake:gpt-4o"), ((string?)slashed["name"], (string?)slashed["baseModelId"]));
        Assert.Equal(("models/smart", "backup:backup-model", "backup-model"), ((string?)alias["name"], (string?)alias["baseModelId"], (string?)alias["displayName"]));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("""{"code":404,"message":"models/fake:gpt-4o is not found, or this key may not use it","status":"NOT_FOUND"}""",
            (await JsonAsync(hidden))["error"]!.ToJsonString());
    }

    private OpenAIModelClient Models(string secret) =>
        new(new ApiKeyCredential(secret), new OpenAIClientOptions { Endpoint = new Uri(Server.Client.BaseAddress!, "/v1") });
}
