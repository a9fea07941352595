using System.CommandLine;
using System.Text.Json.Nodes;
using Gateway.Host.Features.Docs;
using Gateway.Host.Hosting;

namespace Gateway.Host.Cli;

internal static class OpenApiCommand
{
    public static Command Create()
    {
        var command = new Command("openapi", "Write the OpenAPI document generated from the code (no database needed).");
        var output = new Option<string>("--output")
        {
            Description = "Where to write it.",
            DefaultValueFactory = _ => Path.Combine("docs", "openapi.json"),
        };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 if the file differs from what the code generates (CI uses this)." };
        command.Options.Add(output);
        command.Options.Add(check);
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var generated = await GenerateAsync(ct);
            if (!parse.GetValue(check))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, generated, ct);
                Console.WriteLine($"wrote {path}");
                return 0;
            }

            if (File.Exists(path) && JsonNode.DeepEquals(ParseOrNull(await File.ReadAllTextAsync(path, ct)), JsonNode.Parse(generated)))
            {
                Console.WriteLine($"{path} matches the code");
                return 0;
            }

            return CliErrors.Fail($"{path} differs from the document the code generates; run `gateway openapi` and commit the result");
        });
        return command;
    }

    /// <summary>A hand-damaged file is simply different from the generated one, not a crash.</summary>
    private static JsonNode? ParseOrNull(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Builds the app without starting it: endpoints are described, nothing connects anywhere.</summary>
    internal static async Task<string> GenerateAsync(CancellationToken ct)
    {
        var settings = new GatewaySettings
        {
            Urls = ["http://127.0.0.1:0"],
            DataDir = Path.GetTempPath(),
            Schema = "public",
            AutoMigrate = false,
            MasterKey = new byte[32],
            AdminToken = "unused",
        };
        await using var app = GatewayApp.Build(settings, "Host=127.0.0.1;Database=unused");
        return await OpenApiDocument.GenerateAsync(app.Services, ct);
    }
}
