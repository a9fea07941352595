using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Anthropic;

/// <summary>
/// A client's JSON Schema as Anthropic's structured outputs take it (<c>output_config.format.schema</c>).
/// Anthropic compiles the schema into a grammar and answers 400 for what its subset lacks, so:
/// <list type="bullet">
/// <item>Every object is closed (<c>additionalProperties: false</c>), as Anthropic requires of each one: keys an
/// open object or a map would have allowed beyond its properties cannot be produced.</item>
/// <item><c>oneOf</c> becomes <c>anyOf</c>, which Anthropic takes.</item>
/// <item>Keywords outside the subset (numeric bounds, string lengths and patterns, <c>minItems</c> above 1,
/// <c>maxItems</c>, <c>uniqueItems</c>, string formats Anthropic does not know, <c>not</c>, ...) leave the schema
/// and are appended to the node's description as JSON, so that the model still reads them, as Anthropic's own
/// SDKs do.</item>
/// <item><c>$schema</c>, <c>$id</c> and <c>$comment</c>, which say nothing about the answer, are dropped.</item>
/// </list>
/// </summary>
internal static class AnthropicSchema
{
    private static readonly HashSet<string> Kept = ["type", "description", "title", "default", "enum", "const", "required", "$ref"];

    private static readonly HashSet<string> Dropped = ["$schema", "$id", "$comment", "additionalProperties"];

    /// <summary>The note is read by the model, not parsed: a pattern's <c>+</c> stays a <c>+</c>, not <c>\u002B</c>.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Formats = ["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"];

    public static JsonNode ForStructuredOutputs(JsonNode schema)
    {
        if (schema is not JsonObject source)
            return schema.DeepClone();
        var result = new JsonObject();
        var unsupported = new JsonObject();
        foreach (var (key, value) in source)
        {
            switch (key)
            {
                case "properties" or "$defs" or "definitions" when value is JsonObject named:
                    result[key] = new JsonObject(named.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : (JsonNode?)ForStructuredOutputs(p.Value))));
                    break;
                case "items" when value is not null:
                    result[key] = value is JsonArray tuple ? Each(tuple) : ForStructuredOutputs(value);
                    break;
                case "anyOf" or "oneOf" or "allOf" when value is JsonArray options:
                    result[key == "allOf" ? "allOf" : "anyOf"] = Each(options);
                    break;
                case "format" when value is JsonValue format && format.TryGetValue<string>(out var name) && Formats.Contains(name):
                case "minItems" when value is JsonValue count && count.TryGetValue<int>(out var least) && least is 0 or 1:
                case var kept when Kept.Contains(kept):
                    result[key] = value?.DeepClone();
                    break;
                case var dropped when Dropped.Contains(dropped):
                    break;
                default:
                    unsupported[key] = value?.DeepClone();
                    break;
            }
        }

        if (IsObject(source))
            result["additionalProperties"] = false;
        if (unsupported.Count > 0)
        {
            var description = result["description"] is JsonValue given && given.TryGetValue<string>(out var text) ? text + "\n\n" : "";
            result["description"] = description + unsupported.ToJsonString(Readable);
        }

        return result;
    }

    private static JsonArray Each(JsonArray schemas) => [.. schemas.Select(s => s is null ? null : ForStructuredOutputs(s))];

    /// <summary>An object schema: typed object (alone or among other types), or untyped with properties.</summary>
    private static bool IsObject(JsonObject schema) => schema["type"] switch
    {
        JsonValue type => type.GetValueKind() == JsonValueKind.String && (string?)type == "object",
        JsonArray types => types.Any(t => t?.GetValueKind() == JsonValueKind.String && (string?)t == "object"),
        _ => schema["properties"] is JsonObject,
    };
}
