using Gateway.Tools.WebSearch;

namespace Gateway.Tools.Tests.WebSearch;

/// <summary>
/// Search results are chosen by whoever wrote the pages the backend indexed: each that points into the
/// gateway's own network is refused by the guard, said in the run, and never reached, while the other
/// results of the same search still come back. The operator's allowed internal range (10.0.0.0/8 in
/// <see cref="SearchWorld"/>) lets every port pass, so each refusal below is about the address.
/// </summary>
public sealed class SsrfTests
{
    [Fact]
    public async Task A_result_pointing_to_127_0_0_1_is_refused_and_never_reached()
    {
        await using var world = await SearchWorld.StartAsync();

        var refused = await RefusedAsync(world, $"http://127.0.0.1:{world.SecretPort}/admin");

        Assert.Equal("127.0.0.1 is a loopback address; allow it with outbound.allow", refused.PageNote);
    }

    [Fact]
    public async Task A_result_pointing_to_the_cloud_metadata_address_is_refused()
    {
        await using var world = await SearchWorld.StartAsync();

        var refused = await RefusedAsync(world, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");

        Assert.StartsWith("169.254.169.254 is ", refused.PageNote, StringComparison.Ordinal);
        Assert.EndsWith("; allow it with outbound.allow", refused.PageNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_naming_the_metadata_host_is_refused_before_any_lookup()
    {
        await using var world = await SearchWorld.StartAsync();

        var refused = await RefusedAsync(world, "http://metadata.google.internal/computeMetadata/v1/");

        Assert.Equal("metadata.google.internal is a cloud metadata name; allow it with outbound.allow", refused.PageNote);
        Assert.DoesNotContain("metadata.google.internal", world.Resolver.Lookups);
    }

    [Fact]
    public async Task A_result_whose_page_redirects_to_a_private_address_is_refused_at_the_redirect()
    {
        await using var world = await SearchWorld.StartAsync();
        var url = world.Page("blog.example", $"/redirect?to={Uri.EscapeDataString($"http://127.0.0.1:{world.SecretPort}/admin")}");

        var refused = await RefusedAsync(world, url);

        Assert.Equal("redirect 1 to 127.0.0.1: 127.0.0.1 is a loopback address; allow it with outbound.allow", refused.PageNote);
        Assert.Equal(1, world.Web.HitsTo($"/redirect?to={Uri.EscapeDataString($"http://127.0.0.1:{world.SecretPort}/admin")}"));
    }

    [Fact]
    public async Task A_result_whose_page_redirects_to_the_metadata_address_is_refused_at_the_redirect()
    {
        await using var world = await SearchWorld.StartAsync();
        var url = world.Page("blog.example", "/redirect?to=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F");

        var refused = await RefusedAsync(world, url);

        Assert.StartsWith("redirect 1 to 169.254.169.254: 169.254.169.254 is ", refused.PageNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_whose_name_resolves_to_loopback_is_refused_after_the_lookup()
    {
        await using var world = await SearchWorld.StartAsync();

        var refused = await RefusedAsync(world, $"http://internal.example:{world.SecretPort}/admin");

        Assert.Equal("internal.example resolves to 127.0.0.1, a loopback address; allow it with outbound.allow", refused.PageNote);
        Assert.Contains("internal.example", world.Resolver.Lookups);
    }

    [Fact]
    public async Task A_result_on_a_private_range_the_operator_did_not_allow_is_refused()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Resolver.Answer("router.example", "192.168.1.1");

        var refused = await RefusedAsync(world, "http://router.example/");

        Assert.Equal("router.example resolves to 192.168.1.1, a private address; allow it with outbound.allow", refused.PageNote);
    }

    /// <summary>
    /// Searches for a dangerous result between two good ones: the good ones are extracted, the internal
    /// service counts no request, and the dangerous one comes back refused with its snippet.
    /// </summary>
    private static async Task<WebSearchHit> RefusedAsync(SearchWorld world, string dangerous)
    {
        world.Backend.Answers =
        [
            new("Notes", world.Page("blog.example", "/notes.txt"), "notes"),
            new("Looks harmless", dangerous, "A page about tides."),
            new("Article", world.Page("news.example", "/pages/article.html"), "article"),
        ];

        var run = await SearchWorld.SearchAsync(world.Tool(), "tides");

        Assert.True(run.Succeeded, run.Text);
        Assert.Equal(ToolUsage.OneCall(TimeSpan.Zero), run.Billable);
        var results = Assert.IsType<WebSearchResult>(run.Result).Results;
        Assert.Equal([PageStatus.Extracted, PageStatus.Refused, PageStatus.Extracted], results.Select(r => r.Page));
        Assert.Equal(0, world.SecretHits);
        var refused = results[1];
        Assert.Null(refused.Excerpt);
        Assert.Equal("A page about tides.", refused.CitedText);
        Assert.Contains($"Page not read: {refused.PageNote}\nSnippet: A page about tides.", run.Text, StringComparison.Ordinal);
        return refused;
    }
}
