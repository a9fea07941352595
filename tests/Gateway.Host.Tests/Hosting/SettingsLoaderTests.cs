using Gateway.Host.Hosting;

namespace Gateway.Host.Tests.Hosting;

public sealed class SettingsLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private GatewaySettings Load(Dictionary<Setting, string?>? cli = null, Dictionary<string, string?>? env = null) =>
        SettingsLoader.Load(cli ?? [], env ?? [], _dir);

    [Fact]
    public void Should_use_defaults_and_the_embedded_database_when_nothing_is_configured()
    {
        var settings = Load();

        Assert.Equal(["http://127.0.0.1:8080"], settings.Urls);
        Assert.Equal(Path.Combine(_dir, "data"), settings.DataDir);
        Assert.Null(settings.ConnectionString);
        Assert.Equal("public", settings.Schema);
        Assert.True(settings.AutoMigrate);
    }

    [Fact]
    public void Should_prefer_command_line_over_environment_over_config_file()
    {
        File.WriteAllText(Path.Combine(_dir, "gateway.yaml"), "urls: http://127.0.0.1:1001\ndata_dir: from-file\ndatabase_schema: fromfile\n");

        var settings = Load(
            new() { [Setting.Urls] = "http://127.0.0.1:3003" },
            new() { ["GATEWAY_URLS"] = "http://127.0.0.1:2002", ["GATEWAY_DATA_DIR"] = "/tmp/from-env" });

        Assert.Equal(["http://127.0.0.1:3003"], settings.Urls);
        Assert.Equal("/tmp/from-env", settings.DataDir);
        Assert.Equal("fromfile", settings.Schema);
    }

    [Fact]
    public void Should_read_the_env_file_without_overriding_real_environment_variables()
    {
        var key = Convert.ToBase64String(new byte[32]);
        File.WriteAllText(Path.Combine(_dir, ".env"), $"# written by init\nGATEWAY_MASTER_KEY={key}\nGATEWAY_ADMIN_TOKEN=from-file\n");

        var settings = Load(env: new() { ["GATEWAY_ADMIN_TOKEN"] = "from-env" });

        Assert.Equal(new byte[32], settings.MasterKey);
        Assert.Equal("from-env", settings.AdminToken);
    }

    [Fact]
    public void Should_substitute_environment_variables_and_defaults_in_the_config_file()
    {
        File.WriteAllText(Path.Combine(_dir, "gateway.yaml"), "database_url: postgresql://gw:${DB_PASSWORD}@db.internal:6543/gw\nurls: ${LISTEN:-http://127.0.0.1:9999}\nproviders:\n  - name: openai\n    api_key: ${OPENAI_KEY:-none}\n");

        var settings = Load(env: new() { ["DB_PASSWORD"] = "s3cr:t" });

        Assert.Contains("Password=s3cr:t", settings.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("Host=db.internal", settings.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(["http://127.0.0.1:9999"], settings.Urls);
        Assert.Equal("openai", settings.ConfigValues["providers:0:name"]);
        Assert.Equal("none", settings.ConfigValues["providers:0:api_key"]);
    }

    [Fact]
    public void Should_name_the_line_and_variable_when_a_config_file_variable_is_unset()
    {
        File.WriteAllText(Path.Combine(_dir, "gateway.yaml"), "# comment with ${IGNORED}\nurls: http://127.0.0.1:1\ndatabase_url: ${MISSING_DB}\n");

        var error = Assert.Throws<SettingsException>(() => Load());

        Assert.Contains("line 3 uses ${MISSING_DB} but MISSING_DB is not set", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urls: [unclosed", "is not valid YAML at line")]
    [InlineData("- just\n- a list\n", "must be a mapping")]
    public void Should_explain_a_config_file_that_is_not_a_settings_mapping(string yaml, string expected)
    {
        File.WriteAllText(Path.Combine(_dir, "gateway.yaml"), yaml);

        var error = Assert.Throws<SettingsException>(() => Load());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_an_unreadable_config_file_named_on_the_command_line()
    {
        var error = Assert.Throws<SettingsException>(() => Load(new() { [Setting.Config] = "nope/gateway.yaml" }));

        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://alice:p%40ss@db:5433/gw?sslmode=require", "Host=db;Port=5433;Database=gw;Username=alice;Password=p@ss;SSL Mode=Require")]
    [InlineData("postgres://db/gw", "Host=db;Port=5432;Database=gw")]
    [InlineData("Host=db;Username=alice;Password=x", "Host=db;Username=alice;Password=x")]
    public void Should_turn_database_urls_into_connection_strings(string url, string expected) =>
        Assert.Equal(expected, DatabaseUrl.ToConnectionString(url));

    [Theory]
    [InlineData("postgresql://alice:topsecret@db:5432/gw?sslmode=sometimes", "unknown sslmode")]
    [InlineData("postgresql://alice:topsecret@db:5432/gw?pool=9", "unsupported parameter 'pool'")]
    [InlineData("mysql://alice:topsecret@db/gw", "is not a database URL")]
    [InlineData("Host=db;Password=topsecret;Bogus Key=1", "is not a valid connection string")]
    public void Should_reject_bad_database_urls_without_echoing_the_password(string url, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => DatabaseUrl.ToConnectionString(url));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GATEWAY_URLS", "ftp://127.0.0.1:21", "is not an http(s) address")]
    [InlineData("GATEWAY_DATABASE_SCHEMA", "Robert'); drop", "must be lower-case letters")]
    [InlineData("GATEWAY_AUTO_MIGRATE", "maybe", "must be true or false")]
    [InlineData("GATEWAY_MASTER_KEY", "dG9vLXNob3J0", "must be 32 random bytes")]
    public void Should_reject_out_of_range_values_with_the_variable_named(string variable, string value, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Load(env: new() { [variable] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
