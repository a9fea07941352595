using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Host.Http;

/// <summary>
/// One JSON shape for the API and the event store: snake_case like the OpenAI and Anthropic APIs,
/// enums as snake_case strings, numbers that are numbers.
/// </summary>
internal static class GatewayJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        // RequestBody asks for type metadata up front, before any serializer call would set the default.
        options.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
        return options;
    }
}
