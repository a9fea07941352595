using System.ClientModel;
using System.Text.RegularExpressions;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;
using static Gateway.Host.Tests.Features.Inference.Responses.ResponsesWire;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// Store, then tell: a streamed response is in the database before its <c>response.completed</c> reaches the client,
/// so another gateway instance on the same database answers GET for it at once; with <c>store: false</c> nothing is kept.
/// </summary>
public sealed partial class ResponsesStoreThenTellTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    public async Task Should_let_another_instance_get_a_streamed_response_the_moment_the_client_has_read_its_completion(string model)
    {
        await using var second = await GatewayServer.StartAsync(Db.ConnectionString, Db.Schema, Config);
        var onSecond = new ResponsesClient(new ApiKeyCredential(Secret), new ResponsesClientOptions { Endpoint = new Uri(second.Client.BaseAddress!, "/v1") });

        using var response = await PostAsync(Http, $$"""{"model":"{{model}}","stream":true,"input":"Say hello"}""");
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var seen = await StreamedText.ReadUntilAsync(body, "\"response.completed\"");
        var id = ResponseId().Match(seen).Groups[1].Value;

        ResponseResult stored = await onSecond.GetResponseAsync(id, Ct);

        Assert.Equal((id, ResponseStatus.Completed, "Hello from the fake upstream"), (stored.Id, stored.Status, stored.GetOutputText()));
    }

    [Theory]
    [InlineData(NativeModel, false)]
    [InlineData(NativeModel, true)]
    [InlineData(ChatModel, false)]
    [InlineData(ChatModel, true)]
    public async Task Should_store_nothing_for_store_false_whole_or_streamed(string model, bool stream)
    {
        using var response = await PostAsync(Http, $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"store":false,"input":"Say hello"}""");
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("Hello", text, StringComparison.Ordinal);
        await Server.FlushUsageAsync();
        Assert.Equal(0L, await Db.ScalarAsync<long>("select count(*) from stored_responses"));
    }

    [GeneratedRegex("\"id\":\"(resp_[^\"]+)\"")]
    private static partial Regex ResponseId();
}
