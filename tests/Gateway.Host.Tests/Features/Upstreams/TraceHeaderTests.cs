using System.Diagnostics;
using System.Net.Http.Json;
using Gateway.Host.Tests.Features.Inference;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.Upstreams;

/// <summary>The gateway's trace ids stay in the gateway: no upstream call carries trace headers, even while something traces.</summary>
public sealed class TraceHeaderTests(PostgresFixture postgres) : InferenceTestBase(postgres)
{
    [Fact]
    public async Task An_upstream_call_carries_no_traceparent_while_every_activity_source_is_listened_to()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await Http.PostAsJsonAsync("/v1/chat/completions",
            new { model = "fake:gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } }, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Single(Upstream.Requests);
        Assert.Empty(Upstream.TraceParents);
    }
}
