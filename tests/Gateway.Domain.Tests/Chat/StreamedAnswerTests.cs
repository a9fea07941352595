using Gateway.Domain.Chat;

namespace Gateway.Domain.Tests.Chat;

public sealed class StreamedAnswerTests
{
    [Fact]
    public void Deltas_become_one_part_per_run_of_text_or_thinking_and_one_per_tool_call_in_the_order_they_began()
    {
        var answer = new StreamedAnswer();
        ChatDelta[] deltas =
        [
            new StreamStarted("msg_1", "m", new ChatUsage(10, 0, 0)),
            new ThinkingDelta("let me "), new ThinkingDelta("think"),
            new TextDelta("Checking"), new TextDelta(" two things."),
            new ToolCallStarted(0, "call_a", "lookup"), new ToolCallStarted(1, "call_b", "weather", "sig"),
            new ToolCallArgumentsDelta(1, """{"city":"""), new ToolCallArgumentsDelta(0, """{"q":1}"""), new ToolCallArgumentsDelta(1, "\"Oslo\"}"),
            new StreamFinished(FinishReason.ToolCalls, new ChatUsage(10, 5, 0)),
        ];
        foreach (var delta in deltas)
            answer.Add(delta);

        var response = answer.ToResponse(answer.Usage!);

        Assert.Equal(
            [new ThinkingPart("let me think"), new TextPart("Checking two things."), new ToolCallPart("call_a", "lookup", """{"q":1}"""),
                new ToolCallPart("call_b", "weather", """{"city":"Oslo"}""", "sig")],
            response.Parts);
        Assert.Equal(("msg_1", "m", FinishReason.ToolCalls), (response.Id, response.Model, response.FinishReason));
        Assert.Equal(new ChatUsage(10, 5, 0), response.Usage);
    }

    [Fact]
    public void Text_after_a_tool_call_is_a_part_of_its_own_and_a_call_without_arguments_has_an_empty_object()
    {
        var answer = new StreamedAnswer();
        foreach (var delta in new ChatDelta[] { new TextDelta("a"), new ToolCallStarted(0, "c", "now"), new TextDelta("b") })
            answer.Add(delta);

        Assert.Equal([new TextPart("a"), new ToolCallPart("c", "now", "{}"), new TextPart("b")], answer.ToResponse(ChatUsage.None).Parts);
        Assert.Null(answer.Usage);
    }

    [Fact]
    public void The_usage_told_up_front_stands_until_the_finish_reports_the_whole()
    {
        var answer = new StreamedAnswer();
        answer.Add(new StreamStarted("id", "m", new ChatUsage(4, 0, 1)));
        Assert.Equal(new ChatUsage(4, 0, 1), answer.Usage);
        answer.Add(new StreamFinished(FinishReason.Stop, null));
        Assert.Equal(new ChatUsage(4, 0, 1), answer.Usage);
    }
}
