using System.Text.RegularExpressions;
using Gateway.Domain.Chat;

namespace Gateway.Domain.Tests.Chat;

/// <summary>The tool call id that carries a Gemini thought signature through clients of other dialects.</summary>
public sealed partial class SignedToolCallIdTests
{
    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex AnthropicToolUseId();

    [Fact]
    public void Should_append_the_signature_as_url_safe_base64_that_anthropic_takes_as_a_tool_use_id()
    {
        var id = SignedToolCallId.Write("call_0", "Ciw+Bx/yQ==");

        Assert.Equal("call_0__thought__Q2l3K0J4L3lRPT0", id);
        Assert.Matches(AnthropicToolUseId(), id);
    }

    [Fact]
    public void Should_give_back_the_id_and_the_signature_exactly_as_gemini_wrote_it()
    {
        var signature = "CiQBjz1rX+/sA8=" + new string('x', 3000);

        Assert.Equal(("call_7", signature), SignedToolCallId.Read(SignedToolCallId.Write("call_7", signature)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Should_leave_an_id_without_signature_as_it_is(string? signature) =>
        Assert.Equal("call_0", SignedToolCallId.Write("call_0", signature));

    [Theory]
    [InlineData("call_0")]
    [InlineData("toolu_01A09q90qw90lq917835lq9")]
    [InlineData("call_0__thought__")]
    [InlineData("__thought__c2lnLTI")]
    [InlineData("call_0__thought__c2ln+LTI")]
    [InlineData("call_0__thought__c2lnL")]
    [InlineData("call_0__thought____4")]
    public void Should_read_an_id_without_a_well_formed_signature_as_an_ordinary_id(string id) =>
        Assert.Equal((id, (string?)null), SignedToolCallId.Read(id));
}
