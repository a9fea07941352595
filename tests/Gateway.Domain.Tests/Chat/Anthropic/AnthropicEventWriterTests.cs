using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Anthropic;

namespace Gateway.Domain.Tests.Chat.Anthropic;

/// <summary>Anthropic's stream as it goes on the wire: named server-sent events, and an error event for a stream that did not finish.</summary>
public sealed class AnthropicEventWriterTests
{
    /// <summary>The frames each delta became, in order.</summary>
    private static List<List<string>> Frames(AnthropicEventWriter writer, params ChatDelta[] deltas) => [.. deltas.Select(d => writer.Write(d).ToList())];

    [Fact]
    public void Should_frame_each_event_with_its_name_its_data_and_a_blank_line()
    {
        var frames = Frames(new AnthropicEventWriter(estimatedInputTokens: 1), new StreamStarted("id-1", "up", null), new TextDelta("Hi"));

        Assert.Equal(
            [
                "event: content_block_start\ndata: " + """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""" + "\n\n",
                "event: content_block_delta\ndata: " + """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""" + "\n\n",
            ],
            frames[1]);
    }

    [Fact]
    public void Should_end_a_stream_the_upstream_left_unfinished_with_an_error_event_and_a_finished_one_with_nothing()
    {
        var unfinished = new AnthropicEventWriter(estimatedInputTokens: 1);
        Frames(unfinished, new StreamStarted("id-1", "up", null));
        var finished = new AnthropicEventWriter(estimatedInputTokens: 1);
        Frames(finished, new StreamStarted("id-2", "up", null), new StreamFinished(FinishReason.Stop, new ChatUsage(1, 1, 0)));

        Assert.Equal(
            ["event: error\ndata: " + """{"type":"error","error":{"type":"api_error","message":"the upstream ended the stream before the answer finished"}}""" + "\n\n"],
            unfinished.Complete(new ChatUsage(1, 0, 0)));
        Assert.Empty(finished.Complete(new ChatUsage(1, 1, 0)));
    }

    [Fact]
    public void Should_end_a_failed_stream_with_the_type_anthropic_gives_the_status()
    {
        var writer = new AnthropicEventWriter(estimatedInputTokens: 1);

        Assert.Equal(
            "event: error\ndata: " + """{"type":"error","error":{"type":"timeout_error","message":"stalled"}}""" + "\n\n",
            writer.Failure(504, "stream_idle_timeout", "stalled"));
    }
}
