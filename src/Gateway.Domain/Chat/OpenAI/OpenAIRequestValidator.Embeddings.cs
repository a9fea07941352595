using System.Text.Json.Nodes;
using static Gateway.Domain.Chat.JsonChecks;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>The embeddings and moderations requests of the OpenAI dialect: their <c>input</c> and the fields the gateway reads.</summary>
public static partial class OpenAIRequestValidator
{
    /// <summary>
    /// <c>input</c>: a string, an array of strings, or tokens (an array of integers, or of such arrays), none of
    /// them empty and the array's items of one kind, as OpenAI requires; <c>dimensions</c> and <c>encoding_format</c>, which the gateway reads or
    /// which decide the answer's shape.
    /// </summary>
    public static IReadOnlyList<FieldProblem> Embeddings(JsonObject body)
    {
        var check = new JsonChecks();
        switch (body["input"])
        {
            case JsonArray { Count: 0 }:
                check.Add("input", "must not be empty");
                break;
            // The first input says which kind the array is of; the others must be of it too.
            case JsonArray inputs when IsString(inputs[0]):
                check.Strings(inputs, "input");
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (IsString(inputs[i]))
                        NotEmpty(check, (string)inputs[i]!, Item("input", i));
                }

                break;
            case JsonArray inputs when inputs[0] is JsonArray:
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (check.Array(inputs[i], Item("input", i), required: true) is { } tokens)
                        Tokens(check, tokens, Item("input", i));
                }

                break;
            case JsonArray tokens:
                Tokens(check, tokens, "input");
                break;
            case var input when IsString(input):
                NotEmpty(check, (string)input!, "input");
                break;
            case var input:
                check.Expected(input, "input", "a string, an array of strings or an array of tokens", required: true);
                break;
        }

        check.Integer(body["dimensions"], "dimensions", min: 1);
        check.OneOf(body["encoding_format"], "encoding_format", ["float", "base64"]);
        check.String(body["user"], "user");
        return check.Problems;
    }

    /// <summary><c>input</c>: a string, an array of strings, or an array of text and image_url parts.</summary>
    public static IReadOnlyList<FieldProblem> Moderations(JsonObject body)
    {
        var check = new JsonChecks();
        if (body["input"] is JsonArray inputs && inputs.Any(i => i is JsonObject))
            Parts(check, inputs, "input", ["text", "image_url"]);
        else if (body["input"] is JsonArray)
            check.Strings(body["input"], "input");
        else if (!IsString(body["input"]))
            check.Expected(body["input"], "input", "a string, an array of strings or an array of text and image_url parts", required: true);
        return check.Problems;
    }

    private static void Tokens(JsonChecks check, JsonArray tokens, string path)
    {
        if (tokens.Count == 0)
            check.Add(path, "must not be empty");
        for (var i = 0; i < tokens.Count; i++)
            check.Integer(tokens[i], Item(path, i), min: 0, required: true);
    }

    private static void NotEmpty(JsonChecks check, string text, string path)
    {
        if (text.Length == 0)
            check.Add(path, "must not be an empty string");
    }
}
