using Gateway.Domain.Chat.Anthropic;

namespace Gateway.Domain.Tests.Chat.Anthropic;

/// <summary>Anthropic's error body, as the gateway writes it for a refusal and at the end of a failed stream.</summary>
public sealed class AnthropicErrorTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(409, "invalid_request_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "api_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public void Should_write_the_type_anthropic_gives_each_status(int status, string type) =>
        Assert.Equal(
            $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"it went wrong"}}""",
            AnthropicError.Of(status, "it went wrong").ToJsonString());

    [Fact]
    public void Should_end_a_failed_stream_with_the_error_as_a_named_event() =>
        Assert.Equal(
            "event: error\ndata: " + """{"type":"error","error":{"type":"timeout_error","message":"stalled"}}""" + "\n\n",
            AnthropicEventWriter.ErrorEvent(504, "stalled"));
}
