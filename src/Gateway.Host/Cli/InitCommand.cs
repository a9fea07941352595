using System.CommandLine;
using System.Globalization;
using Gateway.Host.Hosting;

namespace Gateway.Host.Cli;

internal static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Write a new .env (or YAML config) holding a fresh master key and bootstrap admin token. Never overwrites.");
        var format = new Option<string>("--format")
        {
            Description = "env: KEY=VALUE lines that serve reads from ./.env; yaml: a gateway.yaml config file.",
            DefaultValueFactory = _ => "env",
        };
        format.AcceptOnlyFromAmong("env", "yaml");
        var output = new Option<string?>("--output") { Description = "File to write. [default: .env, or gateway.yaml with --format yaml]" };
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var yaml = parse.GetValue(format) == "yaml";
            var path = Path.GetFullPath(parse.GetValue(output) ?? (yaml ? "gateway.yaml" : ".env"));
            return Write(path, yaml);
        });
        return command;
    }

    private static int Write(string path, bool yaml)
    {
        var masterKey = LocalSecrets.NewMasterKey();
        var adminToken = LocalSecrets.NewAdminToken();
        var stamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = yaml
            ? $"""
              # Written by `gateway init` on {stamp}. Keep it secret: it holds the master key.
              # Every setting can also come from a GATEWAY_* environment variable; see README.md.
              master_key: "{masterKey}"
              admin_token: "{adminToken}"

              """
            : $"""
              # Written by `gateway init` on {stamp}. Keep it secret: it holds the master key.
              # `gateway serve` reads this file from its working directory; real environment variables win.
              {Setting.MasterKey.EnvironmentVariable}={masterKey}
              {Setting.AdminToken.EnvironmentVariable}={adminToken}

              """;
        try
        {
            // CreateNew: refusing to overwrite is the point. A second init would orphan every secret
            // encrypted under the old master key.
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(file);
            writer.Write(text);
        }
        catch (IOException) when (File.Exists(path))
        {
            return CliErrors.Fail($"{path} already exists; init never overwrites it (its master key may protect stored secrets). Move it away or choose --output");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliErrors.Fail($"cannot write {path}: {e.Message}");
        }

        Console.WriteLine($"wrote {path}: a new master key and bootstrap admin token ({LocalSecrets.AdminTokenPrefix}…); keep the file private");
        return 0;
    }
}
