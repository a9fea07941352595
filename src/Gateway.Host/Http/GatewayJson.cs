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
        options.PropertyNamingPolicy = SnakeCase.Instance;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        // RequestBody asks for type metadata up front, before any serializer call would set the default.
        options.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
        return options;
    }

    /// <summary>
    /// snake_case in which a number starts a word of its own, as the providers write theirs (Anthropic's
    /// ephemeral_1h_input_tokens): CacheWrite1hTokens is cache_write_1h_tokens, where .NET's snake_case says
    /// cache_write1h_tokens.
    /// </summary>
    private sealed class SnakeCase : JsonNamingPolicy
    {
        public static readonly SnakeCase Instance = new();

        public override string ConvertName(string name)
        {
            var snake = SnakeCaseLower.ConvertName(name);
            var words = new System.Text.StringBuilder(snake.Length + 2);
            for (var i = 0; i < snake.Length; i++)
            {
                if (i > 0 && char.IsAsciiDigit(snake[i]) && char.IsAsciiLetter(snake[i - 1]))
                    words.Append('_');
                words.Append(snake[i]);
            }

            return words.ToString();
        }
    }
}
