using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>Gemini's stream as it goes on the wire: server-sent events with alt=sse, otherwise the elements of one JSON array.</summary>
public sealed class GeminiEventWriterTests
{
    private const string Hi = """{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}],"modelVersion":"m","responseId":"r"}""";

    private const string Last = """{"candidates":[{"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2},"modelVersion":"m","responseId":"r"}""";

    private static List<string> Stream(GeminiEventWriter writer) =>
        [.. new ChatDelta[] { new StreamStarted("r", "u", null), new TextDelta("Hi"), new StreamFinished(FinishReason.Stop, null) }.SelectMany(writer.Write),
         .. writer.Complete(new ChatUsage(1, 1, 0))];

    [Fact]
    public void Should_frame_each_chunk_as_a_server_sent_event_by_default() =>
        Assert.Equal(["data: " + Hi + "\r\n\r\n", "data: " + Last + "\r\n\r\n"], Stream(new GeminiEventWriter("m")));

    [Fact]
    public void Should_open_the_json_array_with_the_first_chunk_and_close_it_after_the_last() =>
        Assert.Equal(["[" + Hi, ",\r\n" + Last, "]"], Stream(new GeminiEventWriter("m", form: GeminiStreamForm.JsonArray)));

    [Fact]
    public void Should_end_a_failed_json_array_stream_with_googles_error_as_its_last_element()
    {
        var before = new GeminiEventWriter("m", form: GeminiStreamForm.JsonArray);
        var after = new GeminiEventWriter("m", form: GeminiStreamForm.JsonArray);
        Assert.Equal(["[" + Hi], [.. after.Write(new StreamStarted("r", "u", null)), .. after.Write(new TextDelta("Hi"))]);
        const string Error = """{"error":{"code":504,"message":"stalled","status":"DEADLINE_EXCEEDED"}}""";

        Assert.Equal("[" + Error + "]", before.Failure(504, "stream_idle_timeout", "stalled"));
        Assert.Equal(",\r\n" + Error + "]", after.Failure(504, "stream_idle_timeout", "stalled"));
    }
}
