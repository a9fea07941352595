using System.CommandLine;
using Gateway.Host.Hosting;
using Gateway.Host.Persistence.Migrations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Host.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations and exit. Safe to run while other instances start: they take turns.");
        var settings = new SettingOptions(command, Setting.Config, Setting.DataDir, Setting.DatabaseUrl, Setting.DatabaseSchema, Setting.PostgresBin);
        command.SetAction((parse, ct) => CliErrors.Guard(async () =>
        {
            var resolved = settings.Load(parse);
            await using var database = await Database.OpenAsync(resolved, ct);
            var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = resolved.Schema };
            await using var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
            var applied = await new Migrator(dataSource, resolved.Schema, NullLogger<Migrator>.Instance).ApplyAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? $"schema {resolved.Schema} is up to date ({Migrator.Embedded.Count} migrations)"
                : $"applied {applied.Count} migration(s) to schema {resolved.Schema}: {string.Join(", ", applied)}");
        }));
        return command;
    }
}
