using System.Text.Json.Nodes;
using Gateway.Domain.Chat;

namespace Gateway.Domain.Tests.Chat;

/// <summary>What the validator tests share: a body from its JSON, and problems as the client reads them.</summary>
internal static class ValidatorCases
{
    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    public static List<string> Problems(IReadOnlyList<FieldProblem> problems) => [.. problems.Select(p => p.ToString())];
}
