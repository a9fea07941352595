using System.Diagnostics;
using System.Net;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Inference;

/// <summary>Upstream keys managed at run time: sealed at rest, never shown, applied on every instance and after restarts.</summary>
public sealed class ProviderKeysTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    private const string NewKey = "sk-runtime-added-0123456789abcdef";

    private static async Task<HashSet<string>> LabelsAsync(TenancyApi admin) =>
        [.. (await admin.OkAsync(HttpMethod.Get, "/v1/providers/fake"))["keys"]!.AsArray().Select(k => (string)k!["label"]!)];

    [Fact]
    public async Task Should_add_a_key_to_the_pool_store_it_sealed_and_never_show_it()
    {
        var added = await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "fake", key = NewKey, label = "spare", priority = 0 }, HttpStatusCode.Created);

        for (var i = 0; i < 8; i++)
            await ChatAsync();

        Assert.Equal("cdef", (string?)added["last_four"]);
        Assert.DoesNotContain(NewKey, added.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(NewKey, Upstream.KeysUsed);
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from events where data::text like '%{NewKey}%'"));
        Assert.Equal(0L, await Db.ScalarAsync<long>($"select count(*) from provider_keys where sealed_secret like '%{NewKey}%'"));
        Assert.Contains("spare", await LabelsAsync(Admin));
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.SendAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "fake", key = NewKey })).StatusCode);
    }

    [Fact]
    public async Task Should_import_many_keys_and_skip_duplicates()
    {
        var result = await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys/import", new { provider = "fake", keys = new[] { "sk-import-aaaaaaaaaaaaaaaa1", "sk-import-aaaaaaaaaaaaaaaa2", "up-1", "sk-import-aaaaaaaaaaaaaaaa1" } });

        Assert.Equal(2, result["added"]!.AsArray().Count);
        Assert.Equal(2, (int)result["duplicates"]!);
        Assert.Equal(5, (await LabelsAsync(Admin)).Count);
    }

    [Fact]
    public async Task Should_take_a_configured_key_out_of_rotation_with_a_reason_and_put_it_back()
    {
        var detail = await Admin.OkAsync(HttpMethod.Get, "/v1/providers/fake");
        var first = (string)detail["keys"]![0]!["id"]!;

        var disabled = await Admin.SendAsync(HttpMethod.Post, $"/v1/provider-keys/{first}/disable", new { reason = "billing account closed" });
        for (var i = 0; i < 4; i++)
            await ChatAsync();
        var state = (await Admin.OkAsync(HttpMethod.Get, "/v1/providers/fake"))["keys"]![0]!;
        var enabled = await Admin.SendAsync(HttpMethod.Post, $"/v1/provider-keys/{first}/enable");
        for (var i = 0; i < 3; i++)
            await ChatAsync();

        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        Assert.Equal("billing account closed", (string?)state["disabled_reason"]);
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        Assert.DoesNotContain("up-1", Upstream.KeysUsed.Take(4));
        Assert.Contains("up-1", Upstream.KeysUsed.Skip(4));
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.SendAsync(HttpMethod.Delete, $"/v1/provider-keys/{first}")).StatusCode);
    }

    [Fact]
    public async Task Should_apply_a_key_added_on_one_instance_on_another_within_two_seconds_and_keep_it_after_a_restart()
    {
        await using (var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config))
        {
            using var onSecond = TenancyApi.Admin(second);
            await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "fake", key = NewKey, label = "spare" }, HttpStatusCode.Created);
            var clock = Stopwatch.StartNew();
            await Eventually.Until(() => LabelsAsync(onSecond), labels => labels.Contains("spare"), "the second instance to show the new key", TimeSpan.FromSeconds(10));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the second instance saw the key after {clock.Elapsed}");
        }

        await using var restarted = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config);
        using var onRestarted = TenancyApi.Admin(restarted);
        Assert.Contains("spare", await LabelsAsync(onRestarted));
    }

    [Fact]
    public async Task Should_remove_a_run_time_key_and_refuse_everyone_but_the_platform_admin()
    {
        var added = await Admin.OkAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "fake", key = NewKey, label = "temporary" }, HttpStatusCode.Created);
        var (_, orgAdmin) = await Admin.IssueKeyAsync(new { user_id = await Admin.CreateUserAsync(OrgId, "admin"), name = "org admin" });

        var forbidden = await Admin.As(orgAdmin).SendAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "fake", key = "sk-another-0123456789abcdef" });
        var removed = await Admin.SendAsync(HttpMethod.Delete, $"/v1/provider-keys/{(string)added["id"]!}");
        var unknown = await Admin.SendAsync(HttpMethod.Post, "/v1/provider-keys/pk_0000000000000000/disable");
        var badProvider = await Admin.SendAsync(HttpMethod.Post, "/v1/provider-keys", new { provider = "nope", key = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.DoesNotContain("temporary", await LabelsAsync(Admin));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badProvider.StatusCode);
    }
}
