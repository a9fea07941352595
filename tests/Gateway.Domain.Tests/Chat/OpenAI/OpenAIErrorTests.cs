using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>OpenAI's error body, as the gateway writes it for a refusal and at the end of a failed stream.</summary>
public sealed class OpenAIErrorTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "invalid_request_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(501, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(504, "api_error")]
    public void Should_write_the_type_openai_gives_each_status_and_the_gateways_code(int status, string type) =>
        Assert.Equal(
            $$$"""{"error":{"message":"it went wrong","type":"{{{type}}}","param":null,"code":"some_reason"}}""",
            OpenAIError.Of(status, "some_reason", "it went wrong").ToJsonString());

    [Fact]
    public void Should_name_the_field_at_fault_as_param() =>
        Assert.Equal(
            """{"error":{"message":"messages is required","type":"invalid_request_error","param":"messages","code":"invalid_request_error"}}""",
            OpenAIError.Of(400, "invalid_request_error", "messages is required", "messages").ToJsonString());

    [Fact]
    public void Should_end_a_failed_stream_with_the_error_as_a_data_only_event() =>
        Assert.Equal(
            "data: " + """{"error":{"message":"stalled","type":"api_error","param":null,"code":"stream_idle_timeout"}}""" + "\n\n",
            OpenAIChunkWriter.ErrorEvent(504, "stream_idle_timeout", "stalled"));
}
