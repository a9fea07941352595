using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Features.Tenancy;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>Bad filters get a 400 problem naming each offending field, as every management endpoint answers.</summary>
public sealed class UsageInputTests(PostgresFixture postgres) : TenancyTestBase(postgres)
{
    [Fact]
    public async Task Should_refuse_each_bad_filter_with_a_problem_naming_the_field()
    {
        var cases = new (string Path, string Field)[]
        {
        ("/v1/usage?from=yesterday", "from"),
        ("/v1/usage?from=2025-09-01T08:00:00", "from"),
        ("/v1/usage?from=2025-09-01T08:00:00+02:00", "from"),
        ("/v1/usage?to=2025-13-01", "to"),
        ("/v1/usage?from=2025-09-02&to=2025-09-01", "to"),
        ("/v1/usage?from=2025-09-01T00:00:00Z&to=2025-09-01", "to"),
        ("/v1/usage?limit=0", "limit"),
        ("/v1/usage?limit=1001", "limit"),
        ("/v1/usage?limit=ten", "limit"),
        ("/v1/usage?cursor=%25%25", "cursor"),
        ("/v1/usage?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/v1/usage?status=99", "status"),
        ("/v1/usage?status=abc", "status"),
        ("/v1/usage?errors_only=yes", "errors_only"),
        ("/v1/usage?format=xml", "format"),
        ("/v1/usage?format=csv&cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/v1/usage?format=csv&limit=10", "limit"),
        ("/v1/usage?org_id=", "org_id"),
        ("/v1/usage?model=%20", "model"),
        ("/v1/usage/summary?group_by=week", "group_by"),
        ("/v1/usage/summary?group_by=day,day", "group_by"),
        ("/v1/usage/summary?group_by=", "group_by"),
        ("/v1/usage/summary?from=2025-09-01T12:00:00Z", "from"),
        ("/v1/usage/summary?to=2025-09-02T00:00:00%2B02:00", "to"),
        ("/v1/usage/summary?status=500", "status"),
        ("/v1/usage/summary?errors_only=true", "errors_only"),
        ("/v1/usage/summary?dialect=openai", "dialect"),
        ("/v1/usage/summary?limit=10", "limit"),
        ("/v1/usage/summary?format=pdf", "format"),
        ("/v1/users/usr_x/usage?from=soon", "from"),
        ("/v1/users/usr_x/usage/summary?group_by=team", "group_by"),
        };

        var failures = new List<string>();
        foreach (var (path, field) in cases)
        {
            var response = await Admin.SendAsync(HttpMethod.Get, path);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonNode.Parse(text) : null;
            var fields = problem?["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
            if (response.StatusCode != HttpStatusCode.BadRequest || (string?)problem?["title"] != "The request has invalid fields" || fields is not [var only] || only != field)
                failures.Add($"GET {path} -> {(int)response.StatusCode} {text}; expected 400 naming {field}");
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Should_name_every_bad_field_at_once_with_what_is_expected()
    {
        var response = await Admin.SendAsync(HttpMethod.Get, "/v1/usage?from=2025-09-01T08:00:00 02:00&status=700&limit=0&format=html");
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["format", "from", "limit", "status"], errors.Select(e => e.Key).Order());
        Assert.Contains("%2B02:00", (string)errors["from"]![0]!, StringComparison.Ordinal);
        Assert.Equal("must be an HTTP status, 100 to 599", (string)errors["status"]![0]!);
        Assert.Equal("must be between 1 and 1000", (string)errors["limit"]![0]!);
        Assert.Equal("must be json or csv", (string)errors["format"]![0]!);
    }

    [Fact]
    public async Task Should_answer_an_empty_last_page_to_a_valid_range_with_nothing_in_it()
    {
        var valid = await Admin.SendAsync(HttpMethod.Get, "/v1/usage?from=2025-09-01&to=2025-09-02T00:00:00.5Z&limit=1000");
        var json = JsonNode.Parse(await valid.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Empty(json["data"]!.AsArray());
        Assert.Null(json["next_cursor"]);
        Assert.False((bool)json["has_more"]!);
    }
}
