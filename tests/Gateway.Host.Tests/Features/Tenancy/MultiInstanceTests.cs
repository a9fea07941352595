using System.Diagnostics;
using System.Net;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>Two gateway instances on one database: what one changes, the other enforces within two seconds.</summary>
public sealed class MultiInstanceTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>How long until the other instance answers the caller with <paramref name="expected"/>.</summary>
    private static async Task<TimeSpan> UntilAsync(TenancyApi caller, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        await Eventually.Until(async () => (await caller.MeAsync()).Status, status => status == expected, $"the other instance to answer {(int)expected}", TimeSpan.FromSeconds(10));
        return clock.Elapsed;
    }

    [Fact]
    public async Task Should_enforce_a_revocation_made_on_one_instance_on_the_other_within_two_seconds()
    {
        await using var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema);
        var org = await Admin.CreateOrganizationAsync();
        var (keyId, secret) = await Admin.IssueKeyAsync(new { org_id = org, name = "shared" });
        using var onSecond = new TenancyApi(second.Client.BaseAddress!, secret);

        var issued = await UntilAsync(onSecond, HttpStatusCode.OK);
        await Admin.OkAsync(HttpMethod.Post, $"/v1/keys/{keyId}/revoke");
        var revoked = await UntilAsync(onSecond, HttpStatusCode.Unauthorized);

        Assert.True(issued < Bound, $"new key reached the second instance after {issued}");
        Assert.True(revoked < Bound, $"revocation reached the second instance after {revoked}");
    }

    [Fact]
    public async Task Should_enforce_suspension_and_blocking_made_on_one_instance_on_the_other_within_two_seconds()
    {
        await using var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema);
        using var adminOnSecond = TenancyApi.Admin(second);
        var org = await Admin.CreateOrganizationAsync();
        var user = await Admin.CreateUserAsync(org);
        var (_, secret) = await Admin.IssueKeyAsync(new { user_id = user, name = "k" });
        using var onFirst = Admin.As(secret);
        await UntilAsync(new TenancyApi(second.Client.BaseAddress!, secret), HttpStatusCode.OK);

        await adminOnSecond.OkAsync(HttpMethod.Post, $"/v1/users/{user}/block");
        var blocked = await UntilAsync(onFirst, HttpStatusCode.Forbidden);
        await adminOnSecond.OkAsync(HttpMethod.Post, $"/v1/users/{user}/unblock");
        await UntilAsync(onFirst, HttpStatusCode.OK);
        await adminOnSecond.OkAsync(HttpMethod.Post, $"/v1/organizations/{org}/suspend");
        var suspended = await UntilAsync(onFirst, HttpStatusCode.Forbidden);

        Assert.True(blocked < Bound, $"blocking reached the first instance after {blocked}");
        Assert.True(suspended < Bound, $"suspension reached the first instance after {suspended}");
    }
}

/// <summary>Authentication is answered from memory: it keeps working, and refusing, while PostgreSQL is down.</summary>
public sealed class AuthenticationWithoutDatabaseTests
{
    [Fact]
    public async Task Should_authenticate_known_keys_and_refuse_unknown_ones_while_the_database_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await DedicatedCluster.StartAsync(ct);
        await using var server = await GatewayServer.StartAsync(database.ConnectionString, "public");
        using var admin = TenancyApi.Admin(server);
        var org = await admin.CreateOrganizationAsync();
        var (_, secret) = await admin.IssueKeyAsync(new { org_id = org, name = "k" });

        await database.StopAsync();
        var known = await admin.As(secret).MeAsync();
        var unknown = await admin.As("gw_unknownunknownunknownunknownunknownunknown0").MeAsync();
        await database.RestartAsync(ct);

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(org, (string?)known.Body["org_id"]);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
    }
}
