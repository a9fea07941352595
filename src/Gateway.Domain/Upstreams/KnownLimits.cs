namespace Gateway.Domain.Upstreams;

/// <summary>
/// A published table of per-model limits for one kind of account (Gemini's free tier, Groq's free
/// tier), so a pool of free keys is paced before the upstream starts answering 429. Providers change
/// these numbers without notice: every table carries the date it was read, and an operator's own
/// <c>model_limits</c> or a key's own limits override it field by field.
/// </summary>
/// <param name="AsOf">When the figures were taken from <paramref name="Source"/>.</param>
public sealed record KnownLimitTable(string Name, DateOnly AsOf, string Source, IReadOnlyDictionary<string, QuotaLimits> Models)
{
    /// <summary>
    /// The row for a model: its exact name, else the longest listed name it extends at a '-' boundary
    /// (a dated preview such as <c>gemini-2.5-flash-preview-05-20</c> takes <c>gemini-2.5-flash</c>'s row).
    /// </summary>
    public QuotaLimits? For(string model) =>
        Models.TryGetValue(model, out var exact) ? exact
        : ModelFamily.Of(model, Models.Keys) is { } family ? Models[family]
        : null;
}

/// <summary>The shipped tables, selected by name with a provider's (or a key's) <c>limits_table</c>.</summary>
public static class KnownLimits
{
    public const string None = "none";

    public static KnownLimitTable GeminiFree { get; } = new(
        "gemini-free", new DateOnly(2025, 9, 1), "https://ai.google.dev/gemini-api/docs/rate-limits (free tier)",
        new Dictionary<string, QuotaLimits>(StringComparer.OrdinalIgnoreCase)
        {
            ["gemini-2.5-pro"] = new(Rpm: 5, Rpd: 100, Tpm: 250_000),
            ["gemini-2.5-flash"] = new(Rpm: 10, Rpd: 250, Tpm: 250_000),
            ["gemini-2.5-flash-lite"] = new(Rpm: 15, Rpd: 1_000, Tpm: 250_000),
            ["gemini-2.0-flash"] = new(Rpm: 15, Rpd: 200, Tpm: 1_000_000),
            ["gemini-2.0-flash-lite"] = new(Rpm: 30, Rpd: 200, Tpm: 1_000_000),
            ["gemma-3"] = new(Rpm: 30, Rpd: 14_400, Tpm: 15_000),
            ["gemini-embedding-001"] = new(Rpm: 100, Rpd: 1_000, Tpm: 30_000),
            ["text-embedding-004"] = new(Rpm: 100, Rpd: 1_000, Tpm: 30_000),
        });

    public static KnownLimitTable GroqFree { get; } = new(
        "groq-free", new DateOnly(2025, 9, 1), "https://console.groq.com/docs/rate-limits (free plan)",
        new Dictionary<string, QuotaLimits>(StringComparer.OrdinalIgnoreCase)
        {
            ["llama-3.1-8b-instant"] = new(Rpm: 30, Rpd: 14_400, Tpm: 6_000),
            ["llama-3.3-70b-versatile"] = new(Rpm: 30, Rpd: 1_000, Tpm: 12_000),
            ["meta-llama/llama-4-scout-17b-16e-instruct"] = new(Rpm: 30, Rpd: 1_000, Tpm: 30_000),
            ["meta-llama/llama-4-maverick-17b-128e-instruct"] = new(Rpm: 30, Rpd: 1_000, Tpm: 6_000),
            ["openai/gpt-oss-120b"] = new(Rpm: 30, Rpd: 1_000, Tpm: 8_000),
            ["openai/gpt-oss-20b"] = new(Rpm: 30, Rpd: 1_000, Tpm: 8_000),
            ["qwen/qwen3-32b"] = new(Rpm: 60, Rpd: 1_000, Tpm: 6_000),
        });

    public static IReadOnlyList<KnownLimitTable> All { get; } = [GeminiFree, GroqFree];

    /// <summary>
    /// The table a key uses: the one it names (<see cref="None"/>: none), else <paramref name="providers"/>.
    /// The name was checked with <see cref="TryFind"/> when the key was declared.
    /// </summary>
    public static KnownLimitTable? ForKey(string? keyChoice, KnownLimitTable? providers) =>
        keyChoice is not null && TryFind(keyChoice, out var own) ? own : providers;

    /// <summary>A table by name; <see cref="None"/> (or null) is no table.</summary>
    public static bool TryFind(string? name, out KnownLimitTable? table)
    {
        table = null;
        if (name is null || name.Equals(None, StringComparison.OrdinalIgnoreCase))
            return true;
        table = All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return table is not null;
    }
}
