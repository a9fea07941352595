using System.Net;
using Gateway.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>Keys from issue to expiry, rotation and revocation; the gateway runs on a fake clock, so a test moves past an expiry instead of waiting for it.</summary>
public sealed class KeyLifecycleTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Clock => _clock;

    [Fact]
    public async Task Should_authenticate_a_new_key_as_its_owner_with_the_owners_role()
    {
        var org = await Admin.CreateOrganizationAsync();
        var admin = await Admin.CreateUserAsync(org, "admin");
        var member = await Admin.CreateUserAsync(org);
        var (adminKey, adminSecret) = await Admin.IssueKeyAsync(new { user_id = admin, name = "ops" });
        var (_, memberSecret) = await Admin.IssueKeyAsync(new { user_id = member, name = "laptop" });
        var (orgKey, orgSecret) = await Admin.IssueKeyAsync(new { org_id = org, name = "batch job" });

        var (adminStatus, adminMe) = await Admin.As(adminSecret).MeAsync();
        var (_, memberMe) = await Admin.As(memberSecret).MeAsync();
        var (_, orgMe) = await Admin.As(orgSecret).MeAsync();

        Assert.Equal(HttpStatusCode.OK, adminStatus);
        Assert.Equal("org_admin", (string?)adminMe["kind"]);
        Assert.Equal(org, (string?)adminMe["org_id"]);
        Assert.Equal(admin, (string?)adminMe["user_id"]);
        Assert.Equal(adminKey, (string?)adminMe["key_id"]);
        Assert.Equal("member", (string?)memberMe["kind"]);
        Assert.Equal("member", (string?)orgMe["kind"]);
        Assert.Null(orgMe["user_id"]);
        Assert.Equal(orgKey, (string?)orgMe["key_id"]);
    }

    [Fact]
    public async Task Should_show_a_secret_once_and_keep_only_its_prefix_and_a_keyed_hash()
    {
        var org = await Admin.CreateOrganizationAsync();
        var issued = await Admin.OkAsync(HttpMethod.Post, "/v1/keys", new { org_id = org, name = "ci" }, HttpStatusCode.Created);
        var secret = (string)issued["secret"]!;
        var id = (string)issued["id"]!;

        var read = await Admin.OkAsync(HttpMethod.Get, $"/v1/keys/{id}");
        var listed = await (await Admin.SendAsync(HttpMethod.Get, $"/v1/keys?org_id={org}")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var audit = await (await Admin.SendAsync(HttpMethod.Get, $"/v1/audit?org_id={org}")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var stored = await Db.ScalarAsync<byte[]>($"select hash from virtual_keys where id = '{id}'");

        Assert.StartsWith("gw_", secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= 46, "at least 256 random bits after the prefix");
        Assert.Null(read["secret"]);
        Assert.Equal(secret[..12], (string?)read["prefix"]);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(stored), audit, StringComparison.Ordinal);
        Assert.Equal(32, stored.Length);
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)), stored);
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from events where data::text like '%{secret[3..]}%'"));
    }

    [Fact]
    public async Task Should_keep_the_old_secret_working_for_the_grace_period_after_a_rotation_and_then_refuse_it()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (id, oldSecret) = await Admin.IssueKeyAsync(new { org_id = org, name = "svc" });

        var rotated = await Admin.OkAsync(HttpMethod.Post, $"/v1/keys/{id}/rotate", new { grace_period_seconds = 2 });
        var newSecret = (string)rotated["secret"]!;

        Assert.NotEqual(oldSecret, newSecret);
        Assert.NotNull(rotated["previous_key_valid_until"]);
        Assert.Equal(HttpStatusCode.OK, (await Admin.As(newSecret).MeAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.As(oldSecret).MeAsync()).Status);

        _clock.Advance(TimeSpan.FromSeconds(2.5));

        var (status, body) = await Admin.As(oldSecret).MeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("rotated", (string?)body["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Admin.As(newSecret).MeAsync()).Status);
    }

    [Fact]
    public async Task Should_refuse_the_old_secret_at_once_when_rotated_without_grace()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (id, oldSecret) = await Admin.IssueKeyAsync(new { org_id = org, name = "svc" });

        var rotated = await Admin.OkAsync(HttpMethod.Post, $"/v1/keys/{id}/rotate");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin.As(oldSecret).MeAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.As((string)rotated["secret"]!).MeAsync()).Status);
    }

    [Fact]
    public async Task Should_refuse_a_key_after_it_expires_and_show_it_as_expired()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (id, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "short", expires_at = _clock.GetUtcNow().AddSeconds(2) });
        Assert.Equal(HttpStatusCode.OK, (await Admin.As(secret).MeAsync()).Status);

        _clock.Advance(TimeSpan.FromSeconds(2.5));

        var (status, body) = await Admin.As(secret).MeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("expired_api_key", (string?)body["error"]!["code"]);
        Assert.Equal("expired", (string?)(await Admin.OkAsync(HttpMethod.Get, $"/v1/keys/{id}"))["status"]);
    }

    [Fact]
    public async Task Should_refuse_a_revoked_key_at_once_and_never_take_it_back()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (id, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "leaked" });

        var revoked = await Admin.OkAsync(HttpMethod.Post, $"/v1/keys/{id}/revoke", new { reason = "posted in a public repo" });
        var (status, body) = await Admin.As(secret).MeAsync();
        var again = await Admin.SendAsync(HttpMethod.Post, $"/v1/keys/{id}/revoke");
        var rotate = await Admin.SendAsync(HttpMethod.Post, $"/v1/keys/{id}/rotate");

        Assert.Equal("revoked", (string?)revoked["status"]);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("revoked_api_key", (string?)body["error"]!["code"]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, rotate.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_keys_of_a_suspended_organization_with_403_until_it_is_reactivated()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (_, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "k" });

        await Admin.OkAsync(HttpMethod.Post, $"/v1/organizations/{org}/suspend", new { reason = "unpaid invoice" });
        var (suspended, body) = await Admin.As(secret).MeAsync();
        await Admin.OkAsync(HttpMethod.Post, $"/v1/organizations/{org}/reactivate");
        var (reactivated, _) = await Admin.As(secret).MeAsync();

        Assert.Equal(HttpStatusCode.Forbidden, suspended);
        Assert.Equal("organization_suspended", (string?)body["error"]!["code"]);
        Assert.Equal(HttpStatusCode.OK, reactivated);
    }

    [Fact]
    public async Task Should_refuse_the_keys_of_a_blocked_user_and_deactivate_those_of_a_deleted_one()
    {
        var org = await Admin.CreateOrganizationAsync();
        var user = await Admin.CreateUserAsync(org);
        var (keyId, secret) = await Admin.IssueKeyAsync(new { user_id = user, name = "k" });

        await Admin.OkAsync(HttpMethod.Post, $"/v1/users/{user}/block");
        var (blocked, blockedBody) = await Admin.As(secret).MeAsync();
        await Admin.OkAsync(HttpMethod.Post, $"/v1/users/{user}/unblock");
        var (unblocked, _) = await Admin.As(secret).MeAsync();
        await Admin.OkAsync(HttpMethod.Delete, $"/v1/users/{user}");
        var (deleted, _) = await Admin.As(secret).MeAsync();

        Assert.Equal(HttpStatusCode.Forbidden, blocked);
        Assert.Equal("user_blocked", (string?)blockedBody["error"]!["code"]);
        Assert.Equal(HttpStatusCode.OK, unblocked);
        Assert.Equal(HttpStatusCode.Unauthorized, deleted);
        Assert.Equal("disabled", (string?)(await Admin.OkAsync(HttpMethod.Get, $"/v1/keys/{keyId}"))["status"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Get, $"/v1/users/{user}")).StatusCode);
        Assert.Equal(3L, await Db.ScalarAsync<long>($"select count(*) from events where stream_id = '{user}' and type like 'user.%' and type <> 'user.created'"));
    }

    [Fact]
    public async Task Should_record_when_a_key_was_last_used_without_a_write_per_request()
    {
        var org = await Admin.CreateOrganizationAsync();
        var (id, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "k" });
        var before = await Admin.OkAsync(HttpMethod.Get, $"/v1/keys/{id}");

        await Admin.As(secret).MeAsync();
        await Server.Services.GetRequiredService<Gateway.Host.Features.Auth.KeyUsageTracker>().FlushAsync(TestContext.Current.CancellationToken);

        Assert.Null(before["last_used_at"]);
        Assert.NotNull((await Admin.OkAsync(HttpMethod.Get, $"/v1/keys/{id}"))["last_used_at"]);
    }
}
