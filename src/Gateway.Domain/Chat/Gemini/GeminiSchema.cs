using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.Gemini;

/// <summary>
/// Gemini's Schema (an OpenAPI 3.0 subset: upper-case types, nullable) as the JSON Schema the canonical
/// model and every other upstream use. parametersJsonSchema and responseJsonSchema are JSON Schema already
/// and need none of this.
/// </summary>
internal static class GeminiSchema
{
    public static JsonNode ToJsonSchema(JsonNode schema)
    {
        if (schema is not JsonObject source)
            return schema.DeepClone();
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            switch (key)
            {
                case "type":
                    result["type"] = value is JsonValue name && name.TryGetValue<string>(out var type) ? type.ToLowerInvariant() : value?.DeepClone();
                    break;
                // nullable becomes a "null" type below; propertyOrdering only orders Gemini's output and
                // is an unknown keyword to strict JSON Schema validators.
                case "nullable" or "propertyOrdering":
                    break;
                case "properties" when value is JsonObject properties:
                    result["properties"] = new JsonObject([.. properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToJsonSchema(p.Value!)))]);
                    break;
                case "items":
                    result["items"] = ToJsonSchema(value!);
                    break;
                case "anyOf" when value is JsonArray options:
                    result["anyOf"] = new JsonArray([.. options.Select(o => ToJsonSchema(o!))]);
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }

        if (source["nullable"] is JsonValue nullable && nullable.TryGetValue<bool>(out var isNullable) && isNullable && result["type"] is JsonValue single)
            result["type"] = new JsonArray(single.DeepClone(), "null");
        return result;
    }
}
