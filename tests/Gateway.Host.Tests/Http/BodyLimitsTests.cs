using Gateway.Host.Hosting;
using Gateway.Host.Http;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Http;

/// <summary><c>max_request_body_mb</c> of the config file: 32 MiB unless set, and one clear line for a mistake.</summary>
public sealed class BodyLimitsTests
{
    private static BodyLimits Read(params (string Key, string Value)[] values) =>
        BodyLimits.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Should_allow_32_mib_unless_configured_otherwise()
    {
        Assert.Equal(32L * 1024 * 1024, Read().Bytes);
        Assert.Equal(100L * 1024 * 1024, Read(("max_request_body_mb", "100")).Bytes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2048")]
    [InlineData("1.5")]
    [InlineData("lots")]
    public void Should_refuse_a_limit_that_is_not_a_whole_number_of_mib_from_1_to_1024(string value) =>
        Assert.Equal($"max_request_body_mb must be a whole number of MiB from 1 to 1024, not '{value}'",
            Assert.Throws<SettingsException>(() => Read(("max_request_body_mb", value))).Message);
}
