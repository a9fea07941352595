using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>
/// <c>GET</c> and <c>DELETE /v1/responses/{id}</c> and <c>POST .../cancel</c>, through the official OpenAI .NET SDK
/// where it has a call for them: a stored response is its organisation's alone, and every refusal comes in OpenAI's
/// error shape.
/// </summary>
public sealed class StoredResponseEndpointTests(PostgresFixture postgres) : StoredResponsesTestBase(postgres)
{
    private static IEnumerable<(HttpMethod Method, string Path)> EveryEndpoint(string id) =>
    [
        (HttpMethod.Get, $"/v1/responses/{id}"), (HttpMethod.Delete, $"/v1/responses/{id}"),
        (HttpMethod.Get, $"/v1/responses/{id}/input_items"), (HttpMethod.Post, $"/v1/responses/{id}/cancel"),
    ];

    [Fact]
    public async Task Should_answer_get_with_the_stored_object_byte_for_byte_as_the_client_got_it()
    {
        var stored = await SaveAsync("resp_first");

        var (status, text, response) = await SendAsync(HttpMethod.Get, "/v1/responses/resp_first", Secret);
        ResponseResult read = await Responses(Secret).GetResponseAsync("resp_first", Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(stored.Response, text);
        Assert.Equal(("resp_first", (ResponseStatus?)ResponseStatus.Completed, "fake:gpt-4o-mini", "Hello"), (read.Id, read.Status, read.Model, read.GetOutputText()));
        Assert.Equal((12, 3), (read.Usage.InputTokenCount, read.Usage.OutputTokenCount));
    }

    [Fact]
    public async Task Should_let_every_key_of_the_organization_read_a_response_another_key_created()
    {
        await SaveAsync("resp_shared");
        var (_, sameOrg) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "second key" });

        ResponseResult read = await Responses(sameOrg).GetResponseAsync("resp_shared", Ct);

        Assert.Equal("resp_shared", read.Id);
    }

    [Fact]
    public async Task Should_delete_a_stored_response_and_answer_404_for_it_from_then_on()
    {
        await SaveAsync("resp_gone");
        var sdk = Responses(Secret);

        ResponseDeletionResult deleted = await sdk.DeleteResponseAsync("resp_gone", Ct);
        var after = await Assert.ThrowsAsync<ClientResultException>(() => sdk.GetResponseAsync("resp_gone", Ct));
        var again = await ErrorAsync(HttpMethod.Delete, "/v1/responses/resp_gone", Secret, HttpStatusCode.NotFound);

        Assert.Equal(("resp_gone", "response", true), (deleted.ResponseId, deleted.Object, deleted.Deleted));
        Assert.Equal(404, after.Status);
        var error = JsonNode.Parse(after.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal(
            ("Response with id 'resp_gone' not found.", "not_found_error", null, "response_not_found"),
            ((string?)error["message"], (string?)error["type"], (string?)error["param"], (string?)error["code"]));
        Assert.Equal("Response with id 'resp_gone' not found.", (string?)again["message"]);
        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from stored_responses"));
    }

    [Fact]
    public async Task Should_answer_deletion_in_openais_shape()
    {
        await SaveAsync("resp_shape");

        var (status, text, _) = await SendAsync(HttpMethod.Delete, "/v1/responses/resp_shape", Secret);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"id":"resp_shape","object":"response","deleted":true}""", text);
    }

    [Fact]
    public async Task Should_answer_a_key_of_another_organization_404_on_every_endpoint_exactly_as_for_an_unknown_id()
    {
        await SaveAsync("resp_ours");

        foreach (var (method, path) in EveryEndpoint("resp_ours"))
        {
            var theirs = await SendAsync(method, path, OtherSecret);
            var unknown = await SendAsync(method, path.Replace("resp_ours", "resp_unknown", StringComparison.Ordinal), Secret);

            Assert.True(theirs.Status == HttpStatusCode.NotFound, $"{method} {path}: {(int)theirs.Status} {theirs.Text}");
            Assert.Equal(unknown.Status, theirs.Status);
            Assert.Equal(unknown.Text.Replace("resp_unknown", "resp_ours", StringComparison.Ordinal), theirs.Text);
        }

        var other = await Assert.ThrowsAsync<ClientResultException>(() => Responses(OtherSecret).GetResponseAsync("resp_ours", Ct));
        Assert.Equal(404, other.Status);
        // The other organisation's DELETE took nothing away.
        Assert.Equal("resp_ours", (await Responses(Secret).GetResponseAsync("resp_ours", Ct)).Value.Id);
    }

    [Fact]
    public async Task Should_refuse_a_missing_or_revoked_key_with_401_in_openais_shape_on_every_endpoint()
    {
        await SaveAsync("resp_locked");
        var (keyId, revoked) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "to revoke" });
        await Admin.OkAsync(HttpMethod.Post, $"/v1/keys/{keyId}/revoke", new { reason = "leaked" });

        foreach (var (method, path) in EveryEndpoint("resp_locked"))
        {
            var missing = await ErrorAsync(method, path, null, HttpStatusCode.Unauthorized);
            var refused = await ErrorAsync(method, path, revoked, HttpStatusCode.Unauthorized);

            Assert.Equal(("missing_api_key", "authentication_error"), ((string?)missing["code"], (string?)missing["type"]));
            Assert.Equal(("revoked_api_key", "authentication_error", "The API key was revoked."), ((string?)refused["code"], (string?)refused["type"], (string?)refused["message"]));
        }

        var sdk = await Assert.ThrowsAsync<ClientResultException>(() => Responses(revoked).GetResponseAsync("resp_locked", Ct));
        Assert.Equal(401, sdk.Status);
    }

    [Fact]
    public async Task Should_tell_the_admin_token_that_stored_responses_belong_to_an_organization()
    {
        await SaveAsync("resp_org");

        foreach (var (method, path) in EveryEndpoint("resp_org"))
        {
            var error = await ErrorAsync(method, path, GatewayServer.AdminToken, HttpStatusCode.Forbidden);

            Assert.Equal(("organization_key_required", "permission_error"), ((string?)error["code"], (string?)error["type"]));
            Assert.StartsWith("Stored responses belong to an organization: use a virtual key", (string?)error["message"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_refuse_get_with_stream_true_naming_stream_and_answer_stream_false_with_the_object()
    {
        var stored = await SaveAsync("resp_whole");

        var streamed = await ErrorAsync(HttpMethod.Get, "/v1/responses/resp_whole?stream=true", Secret, HttpStatusCode.BadRequest);
        var nonsense = await ErrorAsync(HttpMethod.Get, "/v1/responses/resp_whole?stream=yes", Secret, HttpStatusCode.BadRequest);
        var whole = await SendAsync(HttpMethod.Get, "/v1/responses/resp_whole?stream=false", Secret);

        Assert.Equal(("stream", "invalid_request_error", "invalid_request_error"), ((string?)streamed["param"], (string?)streamed["type"], (string?)streamed["code"]));
        Assert.StartsWith("stream=true is not supported: the gateway keeps a stored response as its finished object", (string?)streamed["message"], StringComparison.Ordinal);
        Assert.Equal("stream", (string?)nonsense["param"]);
        Assert.Equal((HttpStatusCode.OK, stored.Response), (whole.Status, whole.Text));
    }

    [Fact]
    public async Task Should_answer_cancel_404_for_an_unknown_id_and_400_for_a_stored_one_since_nothing_runs_in_the_background()
    {
        await SaveAsync("resp_done");
        var sdk = Responses(Secret);

        var known = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CancelResponseAsync("resp_done", Ct));
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CancelResponseAsync("resp_never", Ct));

        Assert.Equal((400, 404), (known.Status, unknown.Status));
        var error = JsonNode.Parse(known.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal(("invalid_request_error", "invalid_request_error"), ((string?)error["type"], (string?)error["code"]));
        Assert.Equal("Only responses created with background=true can be cancelled; the gateway runs none in the background.", (string?)error["message"]);
        Assert.Equal("Response with id 'resp_never' not found.", (string?)JsonNode.Parse(unknown.GetRawResponse()!.Content.ToString())!["error"]!["message"]);
        Assert.Equal("resp_done", (await sdk.GetResponseAsync("resp_done", Ct)).Value.Id);
    }
}
