namespace Gateway.Host.Persistence;

/// <summary>Enum values as the tables hold them: their snake_case names (org_admin), read back into the enum.</summary>
internal static class SnakeCase
{
    public static T Parse<T>(string snake) where T : struct, Enum => Enum.Parse<T>(snake.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
