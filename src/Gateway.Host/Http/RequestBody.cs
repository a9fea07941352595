using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Host.Http;

/// <summary>
/// Reads a JSON request body strictly and reports every problem at once: malformed JSON, unknown fields
/// and fields of the wrong type, each named. A body over the size limit is refused with 413.
/// </summary>
internal static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <param name="TooLarge">The body was over <see cref="MaxBytes"/> (and was not read).</param>
    internal sealed record Result<T>(T? Value, FieldErrors Errors, IReadOnlySet<string> Present, bool TooLarge = false) where T : class
    {
        public bool IsValid => Value is not null && Errors.Count == 0;

        /// <summary>The answer to a body that is not valid: 413 when it was too large, otherwise 400 naming every field.</summary>
        public IResult Refusal => TooLarge ? Problems.TooLarge($"the request body is larger than {MaxBytes} bytes, the limit for management requests") : Problems.Validation(Errors);

        /// <summary>Whether the caller sent the field at all (PATCH: absent keeps, present replaces).</summary>
        public bool Has(string field) => Present.Contains(field);
    }

    /// <summary>For actions whose body is optional (suspend with a reason): no body reads as <paramref name="empty"/>.</summary>
    public static Task<Result<T>> ReadOptionalAsync<T>(HttpRequest request, T empty, CancellationToken ct) where T : class =>
        request.ContentLength is null or 0 && request.ContentType is null
            ? Task.FromResult(new Result<T>(empty, [], new HashSet<string>()))
            : ReadAsync<T>(request, ct);

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var errors = new FieldErrors();
        var none = new HashSet<string>();
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("body", "must be JSON sent with Content-Type: application/json");
            return new(null, errors, none);
        }

        if (await BoundedBody.ReadAsync(request, MaxBytes, ct) is not { } bytes)
            return new(null, errors, none, TooLarge: true);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            errors.Add("body", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            return new(null, errors, none);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("body", "must be a JSON object");
                return new(null, errors, none);
            }

            var info = (JsonTypeInfo<T>)GatewayJson.Options.GetTypeInfo(typeof(T));
            var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in document.RootElement.EnumerateObject())
            {
                if (!properties.TryGetValue(field.Name, out var property))
                {
                    errors.Add(field.Name, "is not a known field");
                    continue;
                }

                present.Add(field.Name);
                try
                {
                    field.Value.Deserialize(property.PropertyType, GatewayJson.Options);
                }
                catch (JsonException)
                {
                    errors.Add(field.Name, $"must be {Describe(property.PropertyType)}");
                }
            }

            if (errors.Count > 0)
                return new(null, errors, present);
            return new(document.RootElement.Deserialize(info), errors, present);
        }
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTimeOffset) => "an ISO 8601 date-time such as 2027-01-31T00:00:00Z",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n))),
            _ when type.IsAssignableTo(typeof(System.Collections.IDictionary)) || type.Name.StartsWith("IReadOnlyDictionary", StringComparison.Ordinal) => "an object of string values",
            _ when type.IsArray || type.IsGenericType => "an array of strings",
            _ => "of type " + type.Name,
        };
    }
}
