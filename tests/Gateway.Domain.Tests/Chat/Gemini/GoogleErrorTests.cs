using Gateway.Domain.Chat;
using Gateway.Domain.Chat.Gemini;

namespace Gateway.Domain.Tests.Chat.Gemini;

/// <summary>Google's error body, as the gateway writes it for a refusal and at the end of a failed stream.</summary>
public sealed class GoogleErrorTests
{
    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(402, "FAILED_PRECONDITION")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(409, "ABORTED")]
    [InlineData(413, "INVALID_ARGUMENT")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(500, "INTERNAL")]
    [InlineData(501, "UNIMPLEMENTED")]
    [InlineData(502, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    public void Should_write_the_status_again_and_the_canonical_code_google_gives_it(int status, string code) =>
        Assert.Equal(
            $$$"""{"error":{"code":{{{status}}},"message":"it went wrong","status":"{{{code}}}"}}""",
            GoogleError.Of(status, "it went wrong").ToJsonString());

    [Fact]
    public void Should_name_every_field_at_fault_as_a_field_violation_of_a_bad_request()
    {
        FieldProblem[] fields = [new("contents", "is required"), new("generationConfig.topP", "must be a number")];

        Assert.Equal(
            """
            {"error":{"code":400,"message":"contents is required; generationConfig.topP must be a number","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"contents","description":"is required"},{"field":"generationConfig.topP","description":"must be a number"}]}]}}
            """,
            GoogleError.Of(400, FieldProblem.Describe(fields), fields).ToJsonString());
    }

    [Fact]
    public void Should_end_a_failed_server_sent_event_stream_with_the_error_as_an_event() =>
        Assert.Equal(
            "data: " + """{"error":{"code":504,"message":"stalled","status":"DEADLINE_EXCEEDED"}}""" + "\r\n\r\n",
            GeminiEventWriter.ErrorEvent(504, "stalled"));
}
