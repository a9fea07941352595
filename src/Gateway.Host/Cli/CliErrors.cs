using Gateway.Host.Hosting;
using Gateway.Host.Persistence.Migrations;
using Gateway.Host.Persistence.Postgres;

namespace Gateway.Host.Cli;

/// <summary>Turns the failures a user can fix into one line on stderr and exit code 1; no stack traces.</summary>
internal static class CliErrors
{
    public const int Failure = 1;

    public static async Task<int> Guard(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (e is SettingsException or LocalClusterException or MigrationException)
        {
            return Fail(e.Message);
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"{e.Message.TrimEnd('.')}; choose another address with {Setting.Urls.Option}");
        }
        catch (OperationCanceledException)
        {
            return Failure;
        }
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"gateway: error: {message}");
        return Failure;
    }
}
