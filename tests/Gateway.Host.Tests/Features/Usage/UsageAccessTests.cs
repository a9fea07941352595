using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>
/// Who reads whose usage: the platform admin everything, an organization admin their organization, a
/// member only their own (an organization key only itself). Another tenant's organization, user or key
/// answers 404 so ids cannot be probed; a member naming a colleague gets 403. Filters that contradict
/// each other (a user of another organization than the one named, a key of another user) find nothing: 404.
/// </summary>
public sealed class UsageAccessTests(PostgresFixture postgres) : UsageTestBase(postgres)
{
    private sealed record Caller(string Name, string Secret);

    [Fact]
    public async Task Should_show_each_caller_exactly_the_usage_it_may_read_and_hide_other_tenants_behind_404()
    {
        var orgB = await Admin.CreateOrganizationAsync("B");
        var adminA = await Admin.CreateUserAsync(OrgId, "admin");
        var m1 = await Admin.CreateUserAsync(OrgId);
        var m2 = await Admin.CreateUserAsync(OrgId);
        var memberB = await Admin.CreateUserAsync(orgB);
        var (adminKey, adminSecret) = await Admin.IssueKeyAsync(new { user_id = adminA, name = "admin" });
        var (m1Key, m1Secret) = await Admin.IssueKeyAsync(new { user_id = m1, name = "m1" });
        var (m2Key, m2Secret) = await Admin.IssueKeyAsync(new { user_id = m2, name = "m2" });
        var (sharedKey, sharedSecret) = await Admin.IssueKeyAsync(new { org_id = OrgId, name = "shared" });
        var (bKey, bSecret) = await Admin.IssueKeyAsync(new { user_id = memberB, name = "b" });
        var secrets = new[] { adminSecret, m1Secret, m2Secret, sharedSecret, bSecret };
        foreach (var secret in secrets)
            Assert.Equal(HttpStatusCode.OK, (await ChatAsAsync(secret)).StatusCode);
        await StoredAsync(secrets.Length);

        var platform = new Caller("platform admin", GatewayServer.AdminToken);
        var admin = new Caller("admin of A", adminSecret);
        var member = new Caller("member m1", m1Secret);
        var shared = new Caller("organization key of A", sharedSecret);
        var other = new Caller("member of B", bSecret);
        string[] ofA = [adminKey, m1Key, m2Key, sharedKey];
        var cases = new (Caller Caller, string Path, HttpStatusCode Status, string[] Keys)[]
        {
            (platform, "/v1/usage", HttpStatusCode.OK, [.. ofA, bKey]),
            (platform, $"/v1/usage?org_id={orgB}", HttpStatusCode.OK, [bKey]),
            (platform, $"/v1/users/{m1}/usage", HttpStatusCode.OK, [m1Key]),
            (platform, "/v1/usage/summary?group_by=key", HttpStatusCode.OK, [.. ofA, bKey]),
            (platform, "/v1/usage?user_id=usr_0000000000000000000000000000000", HttpStatusCode.NotFound, []),
            (platform, "/v1/usage?org_id=org_unknown", HttpStatusCode.NotFound, []),
            (platform, $"/v1/usage?org_id={OrgId}&user_id={m1}&key_id={m1Key}", HttpStatusCode.OK, [m1Key]),
            (platform, $"/v1/usage?org_id={orgB}&user_id={m1}", HttpStatusCode.NotFound, []),
            (platform, $"/v1/usage?org_id={orgB}&key_id={m1Key}", HttpStatusCode.NotFound, []),
            (platform, $"/v1/users/{m1}/usage?key_id={m2Key}", HttpStatusCode.NotFound, []),
            (platform, $"/v1/users/{m1}/usage/summary?key_id={sharedKey}", HttpStatusCode.NotFound, []),
            (admin, "/v1/usage", HttpStatusCode.OK, ofA),
            (admin, $"/v1/usage?org_id={OrgId}", HttpStatusCode.OK, ofA),
            (admin, $"/v1/users/{m2}/usage", HttpStatusCode.OK, [m2Key]),
            (admin, $"/v1/usage/summary?group_by=key", HttpStatusCode.OK, ofA),
            (admin, $"/v1/usage?org_id={orgB}", HttpStatusCode.NotFound, []),
            (admin, $"/v1/usage/summary?org_id={orgB}", HttpStatusCode.NotFound, []),
            (admin, $"/v1/users/{memberB}/usage", HttpStatusCode.NotFound, []),
            (admin, $"/v1/users/{memberB}/usage/summary", HttpStatusCode.NotFound, []),
            (admin, $"/v1/usage?key_id={bKey}", HttpStatusCode.NotFound, []),
            (member, "/v1/usage", HttpStatusCode.OK, [m1Key]),
            (member, $"/v1/usage?org_id={OrgId}", HttpStatusCode.OK, [m1Key]),
            (member, $"/v1/usage?key_id={m1Key}", HttpStatusCode.OK, [m1Key]),
            (member, $"/v1/users/{m1}/usage", HttpStatusCode.OK, [m1Key]),
            (member, $"/v1/users/{m1}/usage/summary?group_by=key", HttpStatusCode.OK, [m1Key]),
            (member, "/v1/usage/summary?group_by=key", HttpStatusCode.OK, [m1Key]),
            (member, $"/v1/users/{m2}/usage", HttpStatusCode.Forbidden, []),
            (member, $"/v1/users/{m2}/usage/summary", HttpStatusCode.Forbidden, []),
            (member, $"/v1/usage?user_id={m2}", HttpStatusCode.Forbidden, []),
            (member, $"/v1/usage?key_id={sharedKey}", HttpStatusCode.Forbidden, []),
            (member, $"/v1/usage?org_id={orgB}", HttpStatusCode.NotFound, []),
            (member, $"/v1/users/{memberB}/usage", HttpStatusCode.NotFound, []),
            (shared, "/v1/usage", HttpStatusCode.OK, [sharedKey]),
            (shared, $"/v1/usage?key_id={sharedKey}", HttpStatusCode.OK, [sharedKey]),
            (shared, "/v1/usage/summary?group_by=key", HttpStatusCode.OK, [sharedKey]),
            (shared, $"/v1/users/{m1}/usage", HttpStatusCode.Forbidden, []),
            (shared, $"/v1/usage?key_id={m1Key}", HttpStatusCode.Forbidden, []),
            (other, "/v1/usage", HttpStatusCode.OK, [bKey]),
            (other, $"/v1/users/{m1}/usage", HttpStatusCode.NotFound, []),
            (other, $"/v1/usage?org_id={OrgId}", HttpStatusCode.NotFound, []),
            (other, $"/v1/usage?key_id={sharedKey}", HttpStatusCode.NotFound, []),
        };

        var failures = new List<string>();
        foreach (var (caller, path, status, keys) in cases)
        {
            using var api = Admin.As(caller.Secret);
            var (got, text, _) = await GetAsync(api, path);
            var seen = got == HttpStatusCode.OK ? KeysIn(JsonNode.Parse(text)!.AsObject()) : [];
            if (got != status || !seen.Order().SequenceEqual(keys.Order()))
                failures.Add($"{caller.Name}: GET {path} -> {(int)got} with keys [{string.Join(", ", seen)}], expected {(int)status} with [{string.Join(", ", keys)}]");
            if (secrets.Any(s => text.Contains(s, StringComparison.Ordinal)) || text.Contains("up-1", StringComparison.Ordinal))
                failures.Add($"{caller.Name}: GET {path} shows a secret");
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Should_keep_a_deleted_users_usage_readable_by_their_organizations_admin()
    {
        var adminA = await Admin.CreateUserAsync(OrgId, "admin");
        var leaver = await Admin.CreateUserAsync(OrgId);
        var (_, adminSecret) = await Admin.IssueKeyAsync(new { user_id = adminA, name = "admin" });
        var (leaverKey, leaverSecret) = await Admin.IssueKeyAsync(new { user_id = leaver, name = "leaver" });
        Assert.Equal(HttpStatusCode.OK, (await ChatAsAsync(leaverSecret)).StatusCode);
        await StoredAsync(1);

        Assert.Equal(HttpStatusCode.OK, (await Admin.SendAsync(HttpMethod.Delete, $"/v1/users/{leaver}")).StatusCode);
        using var admin = Admin.As(adminSecret);
        var rows = await admin.OkAsync(HttpMethod.Get, $"/v1/users/{leaver}/usage");
        var summary = await admin.OkAsync(HttpMethod.Get, $"/v1/users/{leaver}/usage/summary?group_by=key");

        Assert.Equal([leaverKey], KeysIn(rows));
        Assert.Equal([leaverKey], KeysIn(summary));
    }

    /// <summary>The keys a rows page or a summary grouped by key shows.</summary>
    private static List<string> KeysIn(JsonObject answer) =>
        [.. answer["data"]!.AsArray().Select(r => (string)(r!["key_id"] ?? r["group"]!["key_id"])!)];

    private async Task<HttpResponseMessage> ChatAsAsync(string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "fake:gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await Server.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
