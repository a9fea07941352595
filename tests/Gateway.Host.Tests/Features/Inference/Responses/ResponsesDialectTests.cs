using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.Inference.Responses;

/// <summary>
/// The official .NET SDK's Responses client against every kind of upstream: passed through to one that serves the
/// Responses API, translated for the others, whole and streamed; each answer stored, and continued by
/// <c>previous_response_id</c> on any upstream.
/// </summary>
public sealed class ResponsesDialectTests(PostgresFixture postgres) : ResponsesTestBase(postgres)
{
    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_answer_a_whole_response_from_every_kind_of_upstream(string model)
    {
        ResponseResult response = await Responses().CreateResponseAsync(model, "Say hello", cancellationToken: Ct);

        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Contains("Hello", response.GetOutputText(), StringComparison.Ordinal);
        Assert.True(response.Usage.InputTokenCount > 0 && response.Usage.OutputTokenCount > 0);
    }

    [Theory]
    [InlineData(NativeModel)]
    [InlineData(ChatModel)]
    [InlineData(ClaudeModel)]
    [InlineData(GeminiModel)]
    public async Task Should_stream_a_response_from_every_kind_of_upstream(string model)
    {
        var text = "";
        ResponseResult? completed = null;
        await foreach (var update in await Responses().CreateResponseStreamingAsync(model, "Say hello", cancellationToken: Ct))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
                text += delta.Delta;
            if (update is StreamingResponseCompletedUpdate done)
                completed = done.Response;
        }

        Assert.Contains("Hello", text, StringComparison.Ordinal);
        Assert.NotNull(completed);
        Assert.Equal(text, completed.GetOutputText());
    }

    [Fact]
    public async Task Should_pass_a_request_through_to_an_upstream_that_serves_the_responses_api_untouched_but_for_the_model()
    {
        var sent = JsonNode.Parse($$$"""
            {"model":"{{{NativeModel}}}","input":"Say hello","service_tier":"flex","store":false,"metadata":{"team":"docs"},"text":{"verbosity":"low"}}
            """)!.AsObject();

        using var answer = await Http.PostAsync("/v1/responses", new StringContent(sent.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        var received = Assert.Single(NativeUpstream.Requests);
        Assert.Equal("/v1/responses", received.Path);
        sent["model"] = "gpt-4.1-mini";
        Assert.True(JsonNode.DeepEquals(sent, received.Body), received.Body.ToJsonString());
        Assert.Equal("resp_fake", (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync(Ct))!["id"]);
    }

    [Fact]
    public async Task Should_translate_a_request_for_a_chat_completions_only_upstream()
    {
        await Responses().CreateResponseAsync(ChatModel, "Say hello", cancellationToken: Ct);

        var received = Assert.Single(ChatUpstream.Requests);
        Assert.Equal("/v1/chat/completions", received.Path);
        Assert.Equal("Say hello", (string?)received.Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Should_store_a_response_so_that_get_returns_what_the_client_got()
    {
        ResponseResult created = await Responses().CreateResponseAsync(ChatModel, "Say hello", cancellationToken: Ct);

        ResponseResult read = await Responses().GetResponseAsync(created.Id, Ct);

        Assert.Equal((created.Id, created.GetOutputText()), (read.Id, read.GetOutputText()));
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => Responses(OtherSecret).GetResponseAsync(created.Id, Ct));
    }

    [Fact]
    public async Task Should_store_nothing_when_the_client_says_store_false()
    {
        var options = new CreateResponseOptions(ChatModel, [ResponseItem.CreateUserMessageItem("Say hello")]) { StoredOutputEnabled = false };
        ResponseResult created = await Responses().CreateResponseAsync(options, Ct);

        var error = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => Responses().GetResponseAsync(created.Id, Ct));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Should_continue_a_conversation_stored_from_one_upstream_on_another_with_the_whole_history()
    {
        ResponseResult first = await Responses().CreateResponseAsync(NativeModel, "Say hello", cancellationToken: Ct);

        ResponseResult second = await Responses().CreateResponseAsync(ClaudeModel, "And again", first.Id, Ct);

        Assert.Contains("Hello", second.GetOutputText(), StringComparison.Ordinal);
        var sent = ClaudeUpstream.Requests.Last().Body["messages"]!.AsArray();
        Assert.Equal(["Say hello", "Hello from the fake upstream", "And again"], sent.Select(Text));
    }

    [Fact]
    public async Task Should_expand_a_previous_response_for_a_passthrough_too_so_the_upstream_needs_no_state()
    {
        ResponseResult first = await Responses().CreateResponseAsync(ChatModel, "Say hello", cancellationToken: Ct);

        await Responses().CreateResponseAsync(NativeModel, "And again", first.Id, Ct);

        var body = NativeUpstream.Requests.Last().Body;
        Assert.Null(body["previous_response_id"]);
        Assert.Equal(3, body["input"]!.AsArray().Count);
        Assert.All(body["input"]!.AsArray(), item => Assert.Null(item!["id"]));
    }

    [Fact]
    public async Task Should_refuse_a_previous_response_of_another_organization_as_not_found()
    {
        ResponseResult first = await Responses().CreateResponseAsync(ChatModel, "Say hello", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => Responses(OtherSecret).CreateResponseAsync(ChatModel, "And again", first.Id, Ct));

        Assert.Equal(400, error.Status);
        Assert.Contains("previous_response_not_found", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A chat message's text, whether its content is a string or Anthropic's blocks.</summary>
    private static string Text(JsonNode? message) =>
        message!["content"] is JsonArray blocks ? string.Concat(blocks.Select(b => (string?)b!["text"])) : (string)message["content"]!;
}
