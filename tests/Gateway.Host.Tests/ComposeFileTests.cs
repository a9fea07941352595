using Gateway.Host.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Gateway.Host.Tests;

public sealed class ComposeFileTests
{
    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepositoryFiles.PathOf("compose.yaml"))));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    [Fact]
    public void Should_declare_postgres_and_the_gateway_each_with_a_healthcheck()
    {
        var names = Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();

        Assert.Contains("postgres", names);
        Assert.Contains("gateway", names);
        Assert.Contains("pg_isready", Service("postgres")["healthcheck"]["test"].ToString(), StringComparison.Ordinal);
        Assert.Contains("/health/readiness", Service("gateway")["healthcheck"]["test"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_publish_only_the_gateway_port_and_start_it_after_postgres_is_healthy()
    {
        var gateway = Service("gateway");
        var ports = ((YamlSequenceNode)gateway["ports"]).Children.Select(p => ((YamlScalarNode)p).Value).ToList();

        Assert.Equal(["8080:8080"], ports);
        Assert.False(Service("postgres").Children.ContainsKey("ports"));
        Assert.Equal("service_healthy", ((YamlScalarNode)gateway["depends_on"]["postgres"]["condition"]).Value);
        Assert.Equal(".", ((YamlScalarNode)gateway["build"]).Value);
        var environment = (YamlMappingNode)gateway["environment"];
        Assert.StartsWith("postgresql://", ((YamlScalarNode)environment["GATEWAY_DATABASE_URL"]).Value, StringComparison.Ordinal);
    }
}
