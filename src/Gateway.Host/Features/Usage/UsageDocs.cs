using Gateway.Host.Http;
using Microsoft.OpenApi;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// What the usage operations' OpenAPI entries say. The query parameters are bound as text (so a bad
/// value gets the same field-by-field 400 as every other mistake), hence their real types are given here.
/// </summary>
internal static class UsageDocs
{
    public const string Rows =
        "Newest first, ordered by (at, id); the cursor holds both, so rows stored while you page neither repeat nor shift pages. "
        + "A request is stored when it ends, at its start time: one still running shows up later, among older rows. "
        + "The range is [from, to). With format=csv (or Accept: text/csv) every matching row is streamed, without paging. "
        + "Platform admin: everything; organization admin: their organization; member: their own user's requests (or their key's, for an organization key).";

    public const string Summary =
        "Sums per group from the daily aggregates, which are kept forever and cut at UTC midnight: from and to must be whole UTC days. "
        + "Totals equal the sum of the groups. With format=csv every group is streamed, one row each, totals left out. "
        + "Row-only filters (status, errors_only, dialect, endpoint) are refused: the aggregates do not keep them. Same visibility as the rows.";

    private static readonly Dictionary<string, (string Description, JsonSchemaType Type)> Parameters = new()
    {
        ["id"] = ("The user.", JsonSchemaType.String),
        ["from"] = ("Start of the range, inclusive: RFC 3339 (2025-09-01T08:00:00Z; in a URL write + as %2B) or a date (UTC midnight).", JsonSchemaType.String),
        ["to"] = ("End of the range, exclusive; same forms as from.", JsonSchemaType.String),
        ["org_id"] = ("Only this organization's usage. Anyone but the platform admin sees only their own organization; another answers 404.", JsonSchemaType.String),
        ["user_id"] = ("Only this user's requests (members: only themselves; another organization's user answers 404).", JsonSchemaType.String),
        ["key_id"] = ("Only requests made with this virtual key.", JsonSchemaType.String),
        ["provider"] = ("Only requests served by this provider instance.", JsonSchemaType.String),
        ["model"] = ("Only requests served by this upstream model (the name the provider knows, as in the summary).", JsonSchemaType.String),
        ["format"] = ("json (default) or csv; Accept: text/csv asks for csv too.", JsonSchemaType.String),
        ["status"] = ("Only requests answered with this HTTP status (100 to 599).", JsonSchemaType.Integer),
        ["errors_only"] = ("true: only requests answered with status 400 or above.", JsonSchemaType.Boolean),
        ["dialect"] = ("Only requests in this client dialect: openai, anthropic or gemini.", JsonSchemaType.String),
        ["endpoint"] = ("Only requests to this endpoint, e.g. /v1/chat/completions.", JsonSchemaType.String),
        ["cursor"] = ("The next_cursor of the previous page (json only).", JsonSchemaType.String),
        ["limit"] = ("Rows per page, 1 to 1000, default 100 (json only).", JsonSchemaType.Integer),
        ["group_by"] = ("day, org, user, key, provider or model; several comma-separated (day,model); default day.", JsonSchemaType.String),
    };

    /// <summary>Describes every parameter, and the csv the operation also answers with.</summary>
    public static RouteHandlerBuilder WithUsageDocs(this RouteHandlerBuilder builder) => builder.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        ParameterDocs.Describe(operation, Parameters);
        operation.Responses![StatusCodes.Status200OK.ToString(System.Globalization.CultureInfo.InvariantCulture)].Content!["text/csv"] =
            new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 4180, with a header row of the json field names." } };
        return Task.CompletedTask;
    });
}
