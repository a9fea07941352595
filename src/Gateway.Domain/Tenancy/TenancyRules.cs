using System.Net.Mail;

namespace Gateway.Domain.Tenancy;

/// <summary>Field rules for tenancy input. Each check adds "field: problem" pairs; an empty result means valid.</summary>
public static class TenancyRules
{
    public const int MaxNameLength = 200;
    public const int MaxMetadataEntries = 50;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;
    public const int MaxAllowedModels = 100;
    public const int MaxRateLimit = 1_000_000_000;
    public static readonly TimeSpan MaxGracePeriod = TimeSpan.FromDays(30);

    public static void Name(string field, string? value, ICollection<KeyValuePair<string, string>> errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
                errors.Add(new(field, "is required"));
            return;
        }

        if (string.IsNullOrWhiteSpace(value))
            errors.Add(new(field, "must not be blank"));
        else if (value.Length > MaxNameLength)
            errors.Add(new(field, $"must be at most {MaxNameLength} characters"));
    }

    public static void Metadata(string field, IReadOnlyDictionary<string, string>? metadata, ICollection<KeyValuePair<string, string>> errors)
    {
        if (metadata is null)
            return;
        if (metadata.Count > MaxMetadataEntries)
            errors.Add(new(field, $"must have at most {MaxMetadataEntries} entries"));
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength)
                errors.Add(new($"{field}.{key}", $"keys must be 1 to {MaxMetadataKeyLength} characters"));
            else if (value.Length > MaxMetadataValueLength)
                errors.Add(new($"{field}.{key}", $"must be at most {MaxMetadataValueLength} characters"));
        }
    }

    public static void AllowedModels(string field, IReadOnlyList<string>? patterns, ICollection<KeyValuePair<string, string>> errors)
    {
        if (patterns is null)
            return;
        if (patterns.Count > MaxAllowedModels)
            errors.Add(new(field, $"must have at most {MaxAllowedModels} entries"));
        for (var i = 0; i < patterns.Count; i++)
        {
            if (ModelPattern.Validate(patterns[i]) is { } problem)
                errors.Add(new($"{field}[{i}]", problem));
        }
    }

    /// <summary>Each entry a gateway tool's type (<c>gateway_web_search</c>, <c>gateway_code_execution</c>), once.</summary>
    public static void AllowedTools(string field, IReadOnlyList<string>? types, ICollection<KeyValuePair<string, string>> errors)
    {
        if (types is null)
            return;
        var known = Enum.GetValues<Chat.GatewayToolKind>().Select(Chat.GatewayToolNames.Type).ToList();
        for (var i = 0; i < types.Count; i++)
        {
            if (Chat.GatewayToolNames.FromType(types[i]) is null)
                errors.Add(new($"{field}[{i}]", $"'{types[i]}' is not a gateway tool; use {string.Join(" or ", known)}"));
            else if (types.Take(i).Contains(types[i]))
                errors.Add(new($"{field}[{i}]", $"'{types[i]}' is listed twice"));
        }
    }

    public static void RateLimit(string field, int? limit, ICollection<KeyValuePair<string, string>> errors)
    {
        if (limit is < 1 or > MaxRateLimit)
            errors.Add(new(field, $"must be between 1 and {MaxRateLimit}"));
    }

    public static void Expiry(string field, DateTimeOffset? expiresAt, DateTimeOffset now, ICollection<KeyValuePair<string, string>> errors)
    {
        if (expiresAt <= now)
            errors.Add(new(field, "must be in the future"));
    }

    public static void GracePeriod(string field, int? seconds, ICollection<KeyValuePair<string, string>> errors)
    {
        if (seconds is < 0 || seconds > MaxGracePeriod.TotalSeconds)
            errors.Add(new(field, $"must be between 0 and {MaxGracePeriod.TotalSeconds:0} seconds (30 days)"));
    }

    public static void Email(string field, string? email, ICollection<KeyValuePair<string, string>> errors)
    {
        if (email is null)
            return;
        if (email.Length > 320 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            errors.Add(new(field, "must be an email address"));
    }
}
