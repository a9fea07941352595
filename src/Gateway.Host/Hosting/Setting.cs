namespace Gateway.Host.Hosting;

/// <summary>
/// One configuration setting, spelled three ways from one name: <c>database_url</c> in the YAML file,
/// <c>GATEWAY_DATABASE_URL</c> in the environment and <c>--database-url</c> on the command line.
/// </summary>
internal sealed record Setting(string Key, string Description, string? Default = null)
{
    public string EnvironmentVariable => "GATEWAY_" + Key.ToUpperInvariant();

    public string Option => "--" + Key.Replace('_', '-');

    public static readonly Setting Urls = new("urls", "Addresses to listen on, separated by ';'.", "http://127.0.0.1:8080");
    public static readonly Setting Config = new("config", "YAML configuration file (${VAR} and ${VAR:-default} are substituted from the environment).", "gateway.yaml, when present");
    public static readonly Setting DataDir = new("data_dir", "Folder for local state: the embedded PostgreSQL cluster lives in its postgres/ subfolder.", "./data");
    public static readonly Setting DatabaseUrl = new("database_url", "PostgreSQL server (postgresql://user:pass@host:port/db or an Npgsql connection string). Unset: an embedded cluster is started under the data dir.");
    public static readonly Setting DatabaseSchema = new("database_schema", "Schema that holds the gateway's tables.", "public");
    public static readonly Setting AutoMigrate = new("auto_migrate", "Apply pending migrations when serve starts (true/false).", "true");
    public static readonly Setting PostgresBin = new("postgres_bin", "Folder holding initdb and pg_ctl for the embedded cluster.", "newest /usr/lib/postgresql/*/bin, then PATH");
    public static readonly Setting MasterKey = new("master_key", "32-byte key (base64) that derives the encryption and hashing keys; written by `gateway init`.");
    public static readonly Setting AdminToken = new("admin_token", "Bootstrap platform-admin token; written by `gateway init`.");

    public static IReadOnlyList<Setting> All { get; } =
        [Urls, Config, DataDir, DatabaseUrl, DatabaseSchema, AutoMigrate, PostgresBin, MasterKey, AdminToken];
}
