using System.Text.Json;

namespace Gateway.Host.Features.Providers;

/// <summary>Capabilities as the config file and the API write them: <c>chat</c>, <c>embeddings</c>, <c>moderations</c>, <c>count_tokens</c>, <c>responses</c>.</summary>
internal static class CapabilityNames
{
    private static readonly Capability[] Each = [.. Enum.GetValues<Capability>().Where(c => c != Capability.None)];

    public static string Of(Capability capability) => JsonNamingPolicy.SnakeCaseLower.ConvertName(capability.ToString());

    /// <summary>Each capability of the set, by name, in declaration order.</summary>
    public static IReadOnlyList<string> List(Capability set) => [.. Each.Where(c => set.HasFlag(c)).Select(Of)];

    public static string Describe(Capability set) => string.Join(", ", List(set));

    /// <summary>The capability a name stands for, or null when it stands for none.</summary>
    public static Capability? Parse(string name) => Each.Cast<Capability?>().FirstOrDefault(c => Of(c!.Value).Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Every name there is, for error messages.</summary>
    public static string All => Describe(Each.Aggregate(Capability.None, (set, c) => set | c));
}
