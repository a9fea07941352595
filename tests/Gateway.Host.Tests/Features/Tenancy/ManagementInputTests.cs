using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Tenancy;

/// <summary>Bad input is refused whole, with every offending field named, and nothing is half-applied.</summary>
public sealed class ManagementInputTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    private Task<long> EventCountAsync() => Db.ScalarAsync<long>("select count(*) from events");

    [Fact]
    public async Task Should_list_every_unknown_field_and_wrong_type_at_once()
    {
        var org = await Admin.CreateOrganizationAsync();
        var before = await EventCountAsync();

        var problem = await ProblemAsync(
            await Admin.SendAsync(HttpMethod.Post, "/v1/keys", $$"""{"org_id":"{{org}}","name":7,"rpm_limit":"fast","colour":"red","expires_at":"tomorrow"}"""),
            HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["colour", "expires_at", "name", "rpm_limit"], errors.Select(e => e.Key).Order());
        Assert.Contains("not a known field", (string?)errors["colour"]![0], StringComparison.Ordinal);
        Assert.Contains("whole number", (string?)errors["rpm_limit"]![0], StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync());
    }

    [Theory]
    [InlineData("{\"name\": ", "is not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    public async Task Should_refuse_malformed_json_with_a_clear_message(string body, string expected)
    {
        var problem = await ProblemAsync(await Admin.SendAsync(HttpMethod.Post, "/v1/organizations", body), HttpStatusCode.BadRequest);

        Assert.Contains(expected, (string?)problem["errors"]!["body"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_body_over_64_kib_with_413()
    {
        var problem = await ProblemAsync(
            await Admin.SendAsync(HttpMethod.Post, "/v1/organizations", new { name = "big", metadata = new { blob = new string('x', 70_000) } }),
            HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("the request body is larger than 65536 bytes, the limit for management requests", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Should_name_each_out_of_range_value()
    {
        var org = await Admin.CreateOrganizationAsync();

        var problem = await ProblemAsync(
            await Admin.SendAsync(HttpMethod.Post, "/v1/keys", new
            {
                org_id = org,
                name = " ",
                rpm_limit = 0,
                tpm_limit = -5,
                expires_at = DateTimeOffset.UtcNow.AddDays(-1),
                allowed_models = new[] { "gpt 4", "" },
            }),
            HttpStatusCode.BadRequest);
        var list = await ProblemAsync(await Admin.SendAsync(HttpMethod.Get, "/v1/keys?limit=1001"), HttpStatusCode.BadRequest);

        Assert.Equal(["allowed_models[0]", "allowed_models[1]", "expires_at", "name", "rpm_limit", "tpm_limit"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Contains("between 1 and 1000", (string?)list["errors"]!["limit"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_409_to_a_duplicate_external_id_and_store_nothing()
    {
        var org = await Admin.CreateOrganizationAsync();
        await Admin.CreateUserAsync(org, externalId: "alice");
        var before = await EventCountAsync();

        var problem = await ProblemAsync(
            await Admin.SendAsync(HttpMethod.Post, "/v1/users", new { org_id = org, external_id = "alice" }), HttpStatusCode.Conflict);

        Assert.Contains("external_id already exists", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync());
        Assert.Equal(1L, await Db.ScalarAsync<long>($"select count(*) from users where org_id = '{org}'"));
        var other = await Admin.CreateOrganizationAsync("Other");
        await Admin.CreateUserAsync(other, externalId: "alice");
    }

    [Fact]
    public async Task Should_apply_an_update_only_to_the_version_named_in_if_match()
    {
        var org = await Admin.CreateOrganizationAsync();
        var read = await Admin.SendAsync(HttpMethod.Get, $"/v1/organizations/{org}");
        var etag = read.Headers.ETag!.Tag;

        var first = await Admin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "first" }, ifMatch: etag);
        var stale = await Admin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "second" }, ifMatch: etag);
        var garbage = await Admin.SendAsync(HttpMethod.Patch, $"/v1/organizations/{org}", new { name = "third" }, ifMatch: "yesterday");

        Assert.Equal("\"1\"", etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"2\"", first.Headers.ETag!.Tag);
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        await ProblemAsync(garbage, HttpStatusCode.BadRequest);
        Assert.Equal("first", (string?)(await Admin.OkAsync(HttpMethod.Get, $"/v1/organizations/{org}"))["name"]);
    }

    [Fact]
    public async Task Should_page_through_a_list_with_cursors_seeing_each_item_once()
    {
        var org = await Admin.CreateOrganizationAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
            created.Add(await Admin.CreateUserAsync(org));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Admin.OkAsync(HttpMethod.Get, $"/v1/users?org_id={org}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["data"]!.AsArray().Select(u => (string)u!["id"]!));
            cursor = (string?)page["next_cursor"];
            Assert.Equal(cursor is not null, (bool)page["has_more"]!);
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Should_name_an_unknown_filter_value_and_filter_by_a_known_one()
    {
        var org = await Admin.CreateOrganizationAsync();
        await Admin.CreateUserAsync(org, "admin");
        await Admin.CreateUserAsync(org);

        var problem = await ProblemAsync(await Admin.SendAsync(HttpMethod.Get, $"/v1/users?org_id={org}&role=boss&status=asleep"), HttpStatusCode.BadRequest);
        var admins = await Admin.OkAsync(HttpMethod.Get, $"/v1/users?org_id={org}&role=admin");

        Assert.Equal(["role", "status"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Contains("member, admin", (string?)problem["errors"]!["role"]![0], StringComparison.Ordinal);
        Assert.Equal("admin", (string?)Assert.Single(admins["data"]!.AsArray())!["role"]);
    }

    [Fact]
    public async Task Should_answer_404_for_ids_that_do_not_exist_or_are_malformed()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Get, "/v1/organizations/org_00000000000000000000000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Get, "/v1/users/not-an-id")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Post, "/v1/keys/key_x/revoke")).StatusCode);
    }
}
