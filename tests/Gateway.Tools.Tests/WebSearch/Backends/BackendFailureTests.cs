namespace Gateway.Tools.Tests.WebSearch.Backends;

/// <summary>A backend that fails never throws out of a run: the run fails, says why in words without the key, and is not billed.</summary>
public sealed class BackendFailureTests
{
    [Theory]
    [InlineData("searxng")]
    [InlineData("brave")]
    [InlineData("tavily")]
    public async Task A_server_error_fails_the_run_unbilled_naming_the_backend_and_status(string backend)
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.FailWith = 500;

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options(backend)), "tide");

        AssertFailed(run, $"the search backend ({backend}) answered HTTP 500");
    }

    [Theory]
    [InlineData("brave", 401)]
    [InlineData("tavily", 401)]
    [InlineData("brave", 403)]
    public async Task A_refused_key_says_to_check_the_api_key_without_quoting_it(string backend, int status)
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.FailWith = status;

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options(backend)), "tide");

        AssertFailed(run, $"the search backend ({backend}) answered HTTP {status} (check tools.web_search.api_key)");
        Assert.DoesNotContain("key-for-", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_searxng_without_the_json_format_is_told_how_to_enable_it()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.FailWith = 403;

        var run = await SearchWorld.SearchAsync(world.Tool(), "tide");

        AssertFailed(run, "the search backend (searxng) answered HTTP 403 (enable the json format in its settings.yml: search: formats: [html, json])");
    }

    [Fact]
    public async Task A_spent_quota_says_so()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.FailWith = 429;

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options("tavily")), "tide");

        AssertFailed(run, "the search backend (tavily) answered HTTP 429 (its rate limit or quota is spent)");
    }

    [Theory]
    [InlineData("searxng")]
    [InlineData("brave")]
    [InlineData("tavily")]
    public async Task An_answer_that_is_not_json_fails_the_run(string backend)
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.RawBody = "<html><body>Too many requests, try later</body></html>";

        var run = await SearchWorld.SearchAsync(world.Tool(world.Options(backend)), "tide");

        AssertFailed(run, $"the search backend ({backend}) answered something that is not JSON");
    }

    [Fact]
    public async Task A_backend_that_never_answers_fails_once_its_timeout_passes_on_the_clock()
    {
        await using var world = await SearchWorld.StartAsync();
        world.Backend.Hang = true;
        var tool = world.Tool(world.Options("brave") with { BackendTimeoutSeconds = 7 });

        var running = SearchWorld.SearchAsync(tool, "tide");
        await world.Backend.Asked.Task.WaitAsync(TestContext.Current.CancellationToken);
        world.Time.Advance(TimeSpan.FromSeconds(7));
        var run = await running;

        AssertFailed(run, "the search backend (brave) did not answer: no answer within 7 s");
    }

    [Fact]
    public async Task A_backend_the_guard_refuses_is_not_called_and_the_refusal_is_said()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool(world.Options() with { Url = $"http://127.0.0.1:{world.SecretPort}" });

        var run = await SearchWorld.SearchAsync(tool, "tide");

        AssertFailed(run, "the search backend (searxng) was refused: 127.0.0.1 is a loopback address; allow it with outbound.allow");
        Assert.Equal(0, world.SecretHits);
    }

    [Fact]
    public async Task A_backend_whose_name_does_not_resolve_fails_the_run()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool(world.Options("tavily") with { Url = $"http://nowhere.test:{world.Backend.Port}" });

        var run = await SearchWorld.SearchAsync(tool, "tide");

        AssertFailed(run, "the search backend (tavily) did not answer: nowhere.test does not resolve (HostNotFound)");
    }

    [Fact]
    public async Task A_redirect_from_the_backend_is_not_followed_so_the_key_goes_nowhere_else()
    {
        await using var world = await SearchWorld.StartAsync();
        var tool = world.Tool(world.Options("brave") with { Url = world.Page("news.example", $"/bounce/{world.SecretPort}") });

        var run = await SearchWorld.SearchAsync(tool, "tide");

        AssertFailed(run, "the search backend (brave) answered HTTP 302");
        Assert.Equal(0, world.SecretHits);
    }

    private static void AssertFailed(ToolRun run, string reason)
    {
        Assert.Equal(ToolRunStatus.Failed, run.Status);
        Assert.Equal(reason, run.Text);
        Assert.Null(run.Result);
        Assert.Equal(ToolUsage.None, run.Billable);
    }
}
