using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Usage;

internal sealed record CsvColumn<T>(string Name, Func<T, object?> Value);

/// <summary>
/// RFC 4180 CSV: a header row, CRLF line ends, a field holding a comma, quote or line break quoted
/// with its quotes doubled. Written as the rows come, never held whole.
/// </summary>
internal static class UsageCsv
{
    public const string ContentType = "text/csv; charset=utf-8; header=present";

    /// <summary>The columns of a flat record: the same names, in the same order, as its JSON.</summary>
    public static IReadOnlyList<CsvColumn<T>> ColumnsOf<T>(params string[] except) =>
        [.. GatewayJson.Options.GetTypeInfo(typeof(T)).Properties
            .Where(p => !except.Contains(p.Name))
            .Select(p => new CsvColumn<T>(p.Name, Getter<T>(p)))];

    public static IResult Result<T>(string fileName, IReadOnlyList<CsvColumn<T>> columns, IAsyncEnumerable<T> rows) =>
        TypedResults.Stream(body => WriteAsync(body, columns, rows), ContentType, fileName);

    private static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";

    private static async Task WriteAsync<T>(Stream body, IReadOnlyList<CsvColumn<T>> columns, IAsyncEnumerable<T> rows)
    {
        // The query runs before a byte is written, so one that fails gets a proper error response rather
        // than a cut CSV; one that fails later is aborted by the server, never passed off as complete.
        await using var row = rows.GetAsyncEnumerator();
        var more = await row.MoveNextAsync();
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
        await writer.WriteAsync(Line(columns.Select(c => c.Name)));
        for (; more; more = await row.MoveNextAsync())
            await writer.WriteAsync(Line(columns.Select(c => Text(c.Value(row.Current)))));
    }

    private static string Field(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => JsonSerializer.Serialize(value, GatewayJson.Options),
    };

    private static Func<T, object?> Getter<T>(JsonPropertyInfo property) => row => property.Get!(row!);
}
