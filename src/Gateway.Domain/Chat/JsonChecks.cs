using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat;

/// <summary>
/// Collects what is wrong with a request while a dialect's validator walks it, each problem named by its
/// path. A JSON null counts as absent, as all three APIs treat it. Each check returns the value when it
/// has the right type, so that the walk can go on into it, and null otherwise. Integers must be written
/// as integers (<c>5</c>, not <c>5.0</c>): the gateway reads them as such.
/// </summary>
internal sealed class JsonChecks
{
    private readonly List<FieldProblem> _problems = [];

    public IReadOnlyList<FieldProblem> Problems => _problems;

    public static string Field(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string Item(string path, int index) => $"{path}[{index}]";

    public void Add(string path, string problem) => _problems.Add(new FieldProblem(path, problem));

    public JsonObject? Object(JsonNode? node, string path, bool required = false) =>
        node as JsonObject ?? Wrong<JsonObject>(node, path, "an object", required);

    public JsonArray? Array(JsonNode? node, string path, bool required = false, bool nonEmpty = false)
    {
        if (nonEmpty && node is JsonArray { Count: 0 })
        {
            Add(path, "must not be empty");
            return null;
        }

        return node as JsonArray ?? Wrong<JsonArray>(node, path, nonEmpty ? "a non-empty array" : "an array", required);
    }

    /// <summary>The objects of an array, each with its path; anything else in the array is a problem.</summary>
    public IEnumerable<(JsonObject Item, string Path)> Objects(JsonArray array, string path)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item)
                yield return (item, Item(path, i));
            else
                Add(Item(path, i), $"must be an object, not {Show(array[i])}");
        }
    }

    public string? String(JsonNode? node, string path, bool required = false) =>
        IsString(node) ? (string)node! : Wrong<string>(node, path, "a string", required);

    public string? OneOf(JsonNode? node, string path, IReadOnlyList<string> allowed, bool required = false)
    {
        if (IsString(node) && allowed.Contains((string)node!))
            return (string)node!;
        return Wrong<string>(node, path, "one of " + string.Join(", ", allowed.Select(a => $"'{a}'")), required);
    }

    public void Bool(JsonNode? node, string path)
    {
        if (Kind(node) is not (JsonValueKind.True or JsonValueKind.False))
            Expected(node, path, "true or false", required: false);
    }

    public int? Integer(JsonNode? node, string path, int min, bool required = false)
    {
        if (Kind(node) == JsonValueKind.Number && ((JsonValue)node!).TryGetValue<long>(out var whole))
        {
            if (whole is >= int.MinValue and <= int.MaxValue && whole >= min)
                return (int)whole;
            if (whole > int.MaxValue)
            {
                Add(path, $"must be at most {int.MaxValue}, not {Show(node)}");
                return null;
            }
        }

        var what = min switch
        {
            1 => "a positive integer",
            0 => "a non-negative integer",
            _ => $"an integer of at least {min}",
        };
        return Wrong<int?>(node, path, what, required);
    }

    public void Number(JsonNode? node, string path, double min, double max = double.PositiveInfinity)
    {
        var inRange = Kind(node) == JsonValueKind.Number && ((JsonValue)node!).GetValue<double>() is var value && value >= min && value <= max;
        if (!inRange)
        {
            Expected(node, path, double.IsPositiveInfinity(max)
                ? string.Create(CultureInfo.InvariantCulture, $"a number of at least {min}")
                : string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}"), required: false);
        }
    }

    /// <summary>An array of strings (<c>stop_sequences</c>, <c>allowedFunctionNames</c>).</summary>
    public void Strings(JsonNode? node, string path)
    {
        if (Array(node, path) is not { } array)
            return;
        for (var i = 0; i < array.Count; i++)
        {
            if (!IsString(array[i]))
                Add(Item(path, i), $"must be a string, not {Show(array[i])}");
        }
    }

    public static bool IsString(JsonNode? node) => Kind(node) == JsonValueKind.String;

    /// <summary>The value as a problem shows it: a string quoted and cut short, a number as written, the kind of anything bigger.</summary>
    public static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue value when value.GetValueKind() == JsonValueKind.String && (string)value! is var text =>
            text.Length > 40 ? $"'{text[..40]}...'" : $"'{text}'",
        _ => node.ToJsonString(),
    };

    private static JsonValueKind Kind(JsonNode? node) => node is JsonValue value ? value.GetValueKind() : JsonValueKind.Undefined;

    /// <summary>Records that the value is not <paramref name="what"/> (absent is a problem only when required).</summary>
    public void Expected(JsonNode? node, string path, string what, bool required)
    {
        if (node is not null)
            Add(path, $"must be {what}, not {Show(node)}");
        else if (required)
            Add(path, $"is required ({what})");
    }

    private T? Wrong<T>(JsonNode? node, string path, string what, bool required)
    {
        Expected(node, path, what, required);
        return default;
    }
}
