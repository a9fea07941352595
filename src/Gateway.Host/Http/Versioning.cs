using System.Globalization;
using Gateway.Host.Persistence.EventStore;

namespace Gateway.Host.Http;

/// <summary>
/// Optimistic concurrency over HTTP: responses carry the resource's version as a strong ETag;
/// a change sent with <c>If-Match</c> applies only to that version (412 otherwise).
/// </summary>
internal static class Versioning
{
    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    public static void SetETag(HttpContext context, long version) => context.Response.Headers.ETag = ETag(version);

    /// <summary>The version the change must apply to: If-Match when sent, otherwise the version just read.</summary>
    public static ExpectedVersion Expected(HttpRequest request, long current, FieldErrors errors)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header) || header == "*")
            return ExpectedVersion.Exactly(current);
        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (value.Length > 2 && value[0] == '"' && value[^1] == '"' && long.TryParse(value[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
            return ExpectedVersion.Exactly(version);
        errors.Add("If-Match", "must be an ETag this API returned, such as \"3\"");
        return ExpectedVersion.Exactly(current);
    }

    private static bool SentIfMatch(HttpRequest request) => request.Headers.IfMatch.Count > 0;

    /// <summary>
    /// The answer when the change met another version: 412 when the caller named one with If-Match,
    /// otherwise 409 (another request changed <paramref name="what"/> at the same moment).
    /// </summary>
    public static IResult Refusal(HttpRequest request, ConcurrencyException conflict, string what) =>
        SentIfMatch(request)
            ? Problems.PreconditionFailed(conflict.Actual ?? 0)
            : Problems.Conflict($"the {what} was changed by another request at the same moment; read it again and retry");
}
