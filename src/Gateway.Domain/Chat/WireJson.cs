using System.Text.Json;

namespace Gateway.Domain.Chat;

/// <summary>
/// How the bodies the gateway writes as typed records (the dialects' error shapes) become JSON: camelCase names, as
/// the providers write their one-word fields and Google its compound ones; nulls written unless a field says otherwise.
/// </summary>
internal static class WireJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
