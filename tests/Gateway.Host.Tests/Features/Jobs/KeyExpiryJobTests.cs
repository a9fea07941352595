using System.Text.Json.Nodes;
using Gateway.Host.Features.Jobs;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;
using static Gateway.Host.Tests.Features.Jobs.JobTestKit;

namespace Gateway.Host.Tests.Features.Jobs;

/// <summary>A passed expiry becomes one key.expired event in the audit log, whichever of two instances notices it.</summary>
public sealed class KeyExpiryJobTests(PostgresFixture postgres) : JobsTestBase(postgres)
{
    private static async Task<List<JsonObject>> ExpiredEventsAsync(TenancyApi admin, string keyId) =>
        [.. (await admin.OkAsync(HttpMethod.Get, $"/v1/audit?resource_id={keyId}&type=key.expired"))["data"]!.AsArray().Select(e => e!.AsObject())];

    private static async Task<DateTimeOffset> ExpiresAtAsync(TenancyApi admin, string keyId) =>
        Time((await admin.OkAsync(HttpMethod.Get, $"/v1/keys/{keyId}"))["expires_at"]);

    /// <summary>An expiry two seconds ahead on the gateways' clock.</summary>
    private DateTimeOffset Soon => Clock.GetUtcNow().AddSeconds(2);

    /// <summary>
    /// Runs the job three times a second apart, which takes the clock past the expiry, and awaits <paramref name="count"/>
    /// key.expired events of the key; then three runs more, so a second record would have had its chance.
    /// </summary>
    private async Task<List<JsonObject>> SettledEventsAsync(TenancyApi admin, string keyId, int count)
    {
        await TickAsync(KeyExpiryJob.Name, 3);
        await Eventually.Until(() => ExpiredEventsAsync(admin, keyId), events => events.Count >= count, $"{count} key.expired events of {keyId}");
        await TickAsync(KeyExpiryJob.Name, 3);
        return await ExpiredEventsAsync(admin, keyId);
    }

    [Fact]
    public async Task Should_record_each_passed_expiry_once_in_the_audit_log_and_again_after_the_expiry_is_moved()
    {
        using var admin = TenancyApi.Admin(await StartAsync(Schedules((KeyExpiryJob.Name, EverySecond))));
        await StartAsync(Schedules((KeyExpiryJob.Name, EverySecond)));
        var org = await admin.CreateOrganizationAsync();
        var (expiring, _) = await admin.IssueKeyAsync(new { org_id = org, name = "short", expires_at = Soon });
        var (revoked, _) = await admin.IssueKeyAsync(new { org_id = org, name = "revoked", expires_at = Soon });
        var (lasting, _) = await admin.IssueKeyAsync(new { org_id = org, name = "no expiry" });
        await admin.OkAsync(HttpMethod.Post, $"/v1/keys/{revoked}/revoke");
        var firstExpiry = await ExpiresAtAsync(admin, expiring);

        var first = await SettledEventsAsync(admin, expiring, 1);

        var e = Assert.Single(first);
        Assert.Equal("job:key_expiry", (string?)e["actor"]);
        Assert.Equal(org, (string?)e["org_id"]);
        Assert.Equal(firstExpiry, Time(e["data"]!["expires_at"]));
        Assert.Equal("expired", (string?)(await admin.OkAsync(HttpMethod.Get, $"/v1/keys/{expiring}"))["status"]);
        Assert.Empty(await ExpiredEventsAsync(admin, revoked));
        Assert.Empty(await ExpiredEventsAsync(admin, lasting));

        await admin.OkAsync(HttpMethod.Patch, $"/v1/keys/{expiring}", new { expires_at = Soon });
        var secondExpiry = await ExpiresAtAsync(admin, expiring);
        var both = await SettledEventsAsync(admin, expiring, 2);

        Assert.Equal([secondExpiry, firstExpiry], both.Select(x => Time(x["data"]!["expires_at"])));
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from events where type = 'key.expired'"));
    }
}
