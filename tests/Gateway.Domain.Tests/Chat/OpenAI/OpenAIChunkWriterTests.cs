using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>OpenAI's stream as it goes on the wire: data-only server-sent events, the usage chunk when asked for, then [DONE].</summary>
public sealed class OpenAIChunkWriterTests
{
    [Fact]
    public void Should_frame_each_chunk_as_a_data_only_event()
    {
        var writer = new OpenAIChunkWriter(includeUsage: false, created: 5);

        Assert.Equal(
            ["data: " + """{"id":"c","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""" + "\n\n"],
            writer.Write(new StreamStarted("c", "m", null)));
    }

    [Fact]
    public void Should_end_with_the_usage_chunk_only_when_the_client_asked_for_it_then_done()
    {
        var asked = new OpenAIChunkWriter(includeUsage: true, created: 5);
        Assert.Single(asked.Write(new StreamStarted("c", "m", null)));
        var notAsked = new OpenAIChunkWriter(includeUsage: false, created: 5);

        Assert.Equal(
            [
                "data: " + """{"id":"c","object":"chat.completion.chunk","created":5,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"prompt_tokens_details":{"cached_tokens":0}}}""" + "\n\n",
                "data: [DONE]\n\n",
            ],
            asked.Complete(new ChatUsage(3, 2, 0)));
        Assert.Equal(["data: [DONE]\n\n"], notAsked.Complete(new ChatUsage(3, 2, 0)));
    }

    [Fact]
    public void Should_end_a_failed_stream_with_the_error_chunk_and_its_code()
    {
        var writer = new OpenAIChunkWriter(includeUsage: false, created: 5);

        Assert.Equal(
            "data: " + """{"error":{"message":"the upstream stream broke off","type":"api_error","param":null,"code":"upstream_stream_interrupted"}}""" + "\n\n",
            writer.Failure(502, "upstream_stream_interrupted", "the upstream stream broke off"));
    }
}
