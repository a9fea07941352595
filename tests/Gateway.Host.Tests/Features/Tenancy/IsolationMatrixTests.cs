using System.Net;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>
/// Tenants cannot see each other (404, never 403, so ids cannot be probed), members cannot act as
/// admins (403), and organisation admins cannot act as the platform admin (403).
/// </summary>
public sealed class IsolationMatrixTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    private sealed record Tenant(string Org, string AdminUser, string MemberUser, string AdminKey, string MemberKey, string AdminSecret, string MemberSecret);

    private async Task<Tenant> TenantAsync(string name)
    {
        var org = await Admin.CreateOrganizationAsync(name);
        var admin = await Admin.CreateUserAsync(org, "admin");
        var member = await Admin.CreateUserAsync(org);
        var (adminKey, adminSecret) = await Admin.IssueKeyAsync(new { user_id = admin, name = "admin key" });
        var (memberKey, memberSecret) = await Admin.IssueKeyAsync(new { user_id = member, name = "member key" });
        return new Tenant(org, admin, member, adminKey, memberKey, adminSecret, memberSecret);
    }

    /// <summary>Every management operation, aimed at tenant <paramref name="t"/>'s resources.</summary>
    private static (HttpMethod Method, string Path, object? Body)[] OperationsOn(Tenant t) =>
    [
        (HttpMethod.Get, $"/v1/organizations/{t.Org}", null),
        (HttpMethod.Patch, $"/v1/organizations/{t.Org}", new { name = "renamed" }),
        (HttpMethod.Post, $"/v1/organizations/{t.Org}/suspend", null),
        (HttpMethod.Post, $"/v1/organizations/{t.Org}/reactivate", null),
        (HttpMethod.Delete, $"/v1/organizations/{t.Org}", null),
        (HttpMethod.Post, "/v1/users", new { org_id = t.Org, external_id = "intruder" }),
        (HttpMethod.Get, $"/v1/users?org_id={t.Org}", null),
        (HttpMethod.Get, $"/v1/users/{t.MemberUser}", null),
        (HttpMethod.Patch, $"/v1/users/{t.MemberUser}", new { alias = "renamed" }),
        (HttpMethod.Post, $"/v1/users/{t.MemberUser}/block", null),
        (HttpMethod.Post, $"/v1/users/{t.MemberUser}/unblock", null),
        (HttpMethod.Delete, $"/v1/users/{t.MemberUser}", null),
        (HttpMethod.Post, "/v1/keys", new { user_id = t.MemberUser, name = "stolen" }),
        (HttpMethod.Post, "/v1/keys", new { org_id = t.Org, name = "stolen" }),
        (HttpMethod.Get, $"/v1/keys?org_id={t.Org}", null),
        (HttpMethod.Get, $"/v1/keys/{t.MemberKey}", null),
        (HttpMethod.Patch, $"/v1/keys/{t.MemberKey}", new { name = "renamed" }),
        (HttpMethod.Post, $"/v1/keys/{t.MemberKey}/revoke", null),
        (HttpMethod.Post, $"/v1/keys/{t.MemberKey}/rotate", null),
        (HttpMethod.Get, $"/v1/audit?org_id={t.Org}", null),
    ];

    [Fact]
    public async Task Should_answer_404_to_every_operation_on_another_tenants_resources_by_its_admins_and_members()
    {
        var a = await TenantAsync("A");
        var b = await TenantAsync("B");
        var failures = new List<string>();

        foreach (var secret in new[] { a.AdminSecret, a.MemberSecret })
        {
            using var caller = Admin.As(secret);
            foreach (var (method, path, body) in OperationsOn(b))
            {
                var response = await caller.SendAsync(method, path, body);
                if (response.StatusCode != HttpStatusCode.NotFound)
                    failures.Add($"{(secret == a.AdminSecret ? "admin" : "member")} of A: {method} {path} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
        // Nothing of B changed, and B's keys still work.
        Assert.Equal("B", (string?)(await Admin.OkAsync(HttpMethod.Get, $"/v1/organizations/{b.Org}"))["name"]);
        Assert.Equal(HttpStatusCode.OK, (await Admin.As(b.MemberSecret).MeAsync()).Status);
    }

    [Fact]
    public async Task Should_answer_403_to_members_attempting_admin_actions_in_their_own_organization()
    {
        var a = await TenantAsync("A");
        using var member = Admin.As(a.MemberSecret);
        // Aimed at the admin's user and key: a member may read its own organization and list its own keys.
        var other = a with { MemberUser = a.AdminUser, MemberKey = a.AdminKey };
        var adminOnly = OperationsOn(other)
            .Where(op => op.Method != HttpMethod.Get || !(op.Path == $"/v1/organizations/{a.Org}" || op.Path.StartsWith("/v1/keys?", StringComparison.Ordinal)))
            .ToList();
        var failures = new List<string>();

        foreach (var (method, path, body) in adminOnly)
        {
            var response = await member.SendAsync(method, path, body);
            if (response.StatusCode != HttpStatusCode.Forbidden)
                failures.Add($"{method} {path} -> {(int)response.StatusCode}");
        }

        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await member.MeAsync()).Status);
    }

    [Fact]
    public async Task Should_let_members_read_their_organization_themselves_and_their_own_keys_only()
    {
        var a = await TenantAsync("A");
        using var member = Admin.As(a.MemberSecret);

        var org = await member.OkAsync(HttpMethod.Get, $"/v1/organizations/{a.Org}");
        var self = await member.OkAsync(HttpMethod.Get, $"/v1/users/{a.MemberUser}");
        var ownKey = await member.OkAsync(HttpMethod.Get, $"/v1/keys/{a.MemberKey}");
        var keys = await member.OkAsync(HttpMethod.Get, "/v1/keys");

        Assert.Equal(a.Org, (string?)org["id"]);
        Assert.Equal(a.MemberUser, (string?)self["id"]);
        Assert.Equal(a.MemberKey, (string?)ownKey["id"]);
        Assert.All(keys["data"]!.AsArray(), k => Assert.Equal(a.MemberUser, (string?)k!["user_id"]));
        Assert.Single(keys["data"]!.AsArray());
    }

    [Fact]
    public async Task Should_answer_403_to_organization_admins_attempting_platform_admin_actions()
    {
        var a = await TenantAsync("A");
        using var orgAdmin = Admin.As(a.AdminSecret);

        var create = await orgAdmin.SendAsync(HttpMethod.Post, "/v1/organizations", new { name = "mine" });
        var suspend = await orgAdmin.SendAsync(HttpMethod.Post, $"/v1/organizations/{a.Org}/suspend");
        var delete = await orgAdmin.SendAsync(HttpMethod.Delete, $"/v1/organizations/{a.Org}");
        var models = await orgAdmin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{a.Org}", new { allowed_models = new[] { "*" } });
        var rename = await orgAdmin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{a.Org}", new { name = "A2" });

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, suspend.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, models.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
    }

    [Fact]
    public async Task Should_let_organization_admins_manage_their_own_users_and_keys()
    {
        var a = await TenantAsync("A");
        using var orgAdmin = Admin.As(a.AdminSecret);

        var user = (string)(await orgAdmin.OkAsync(HttpMethod.Post, "/v1/users", new { external_id = "new-hire", email = "new@acme.test" }, HttpStatusCode.Created))["id"]!;
        var (key, secret) = await orgAdmin.IssueKeyAsync(new { user_id = user, name = "laptop" });
        var listed = await orgAdmin.OkAsync(HttpMethod.Get, "/v1/users");
        await orgAdmin.OkAsync(HttpMethod.Post, $"/v1/keys/{key}/revoke");
        var audit = await orgAdmin.OkAsync(HttpMethod.Get, "/v1/audit");

        Assert.Equal(4, listed["data"]!.AsArray().Count + 1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin.As(secret).MeAsync()).Status);
        var entries = audit["data"]!.AsArray();
        Assert.All(entries, e => Assert.Equal(a.Org, (string?)e!["org_id"]));
        Assert.Equal("key.revoked", (string?)entries[0]!["type"]);
        Assert.Equal($"user:{a.AdminUser} via key:", ((string?)entries[0]!["actor"])![..($"user:{a.AdminUser} via key:".Length)]);
    }
}
