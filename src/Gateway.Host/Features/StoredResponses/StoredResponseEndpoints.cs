using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>
/// The stored-state endpoints of OpenAI's Responses API: read a stored response, list its input items, delete it,
/// cancel it. Any virtual key of the organisation that created a response sees it; to every other caller the id is
/// not found. Errors come in OpenAI's shape, which OpenAI's SDKs read.
/// </summary>
internal static class StoredResponseEndpoints
{
    public const string Tag = "OpenAI Responses";

    /// <summary>What the errors are written in: the Responses API's error bodies are OpenAI's.</summary>
    private const Dialect Wire = Dialect.Responses;

    /// <param name="Object">Always <c>response</c>.</param>
    /// <param name="Deleted">Always true: an id that is not there is a 404.</param>
    internal sealed record ResponseDeleted(string Id, string Object, bool Deleted)
    {
        public static ResponseDeleted Example { get; } = new("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b", "response", true);
    }

    public static void MapStoredResponses(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/responses/{id}").WithTags(Tag);
        group.MapGet("", GetAsync).Produces<JsonObject>().Describe("getResponse",
            "A stored response, exactly as it was answered (stream=true is refused: the gateway keeps the finished object, not its events)",
            StatusCodes.Status400BadRequest);
        group.MapDelete("", DeleteAsync).Produces<ResponseDeleted>().Describe("deleteResponse",
            "Deletes a stored response; a later previous_response_id naming it, or a response after it, is refused");
        group.MapGet("/input_items", InputItemsAsync).Produces<InputItemList>().Describe("listResponseInputItems",
            "The input items of a stored response's own request (not those of the responses it continues), newest first by default",
            StatusCodes.Status400BadRequest);
        group.MapPost("/cancel", CancelAsync).Produces<JsonObject>().Describe("cancelResponse",
            "Cancels a background response. The gateway runs none (background is refused), so a stored response answers 400 and another id 404",
            StatusCodes.Status400BadRequest);
    }

    /// <summary>The operation's name, summary, dialect, parameters and errors: those it names, and what every one of them may answer.</summary>
    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string name, string summary, params int[] errors) =>
        route.WithName(name).WithSummary(summary).InDialect(Wire).WithParameterDocs()
            .ProducesErrors<OpenAIError>([.. errors, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError]);

    private static async Task GetAsync(string id, [FromQuery] string? stream, HttpContext context, ResponseStore store, CancellationToken ct)
    {
        if (OrgOf(context).Refused(out var refusal, out var org))
        {
            await RefuseAsync(context, refusal);
            return;
        }

        if (stream is not null && !(bool.TryParse(stream, out var streamed) && !streamed))
        {
            await RefuseAsync(context, Refusal.InvalidRequest(
                $"stream={stream} is not supported: the gateway keeps a stored response as its finished object, not as events; leave stream out to get the object",
                [new FieldProblem("stream", "must be false or left out")]));
            return;
        }

        if (await store.GetAsync(org, id, ct) is not { } response)
        {
            await RefuseAsync(context, ResponseStore.NotFound(id));
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response, ct);
    }

    private static async Task DeleteAsync(string id, HttpContext context, ResponseStore store, CancellationToken ct)
    {
        if (OrgOf(context).Refused(out var refusal, out var org))
            await RefuseAsync(context, refusal);
        else if (await store.DeleteAsync(org, id, ct))
            await TypedResults.Ok(new ResponseDeleted(id, "response", true)).ExecuteAsync(context);
        else
            await RefuseAsync(context, ResponseStore.NotFound(id));
    }

    private static async Task InputItemsAsync(
        string id, [FromQuery] string? after, [FromQuery] string? limit, [FromQuery] string? order, HttpContext context, ResponseStore store, CancellationToken ct)
    {
        // before is read, not bound: it is no parameter of this API (OpenAI's clients page with after), only refused.
        var before = context.Request.Query.TryGetValue("before", out var value) ? value.ToString() : null;
        if (OrgOf(context).Refused(out var refusal, out var org) || InputItemsQuery.Parse(after, limit, order, before).Refused(out refusal, out var query))
        {
            await RefuseAsync(context, refusal);
            return;
        }

        if ((await store.InputItemsAsync(org, id, query, ct)).Refused(out refusal, out var page))
            await RefuseAsync(context, refusal);
        else
            await TypedResults.Ok(page).ExecuteAsync(context);
    }

    private static async Task CancelAsync(string id, HttpContext context, ResponseStore store, CancellationToken ct)
    {
        if (OrgOf(context).Refused(out var refusal, out var org))
            await RefuseAsync(context, refusal);
        else if (await store.GetAsync(org, id, ct) is null)
            await RefuseAsync(context, ResponseStore.NotFound(id));
        else
            await RefuseAsync(context, Refusal.InvalidRequest("Only responses created with background=true can be cancelled; the gateway runs none in the background."));
    }

    /// <summary>
    /// The caller's organisation, which owns what it reads. The platform admin token belongs to none, and its requests
    /// store nothing: it is told to use an organisation's key rather than be told every id is missing.
    /// </summary>
    private static RefusalOr<string> OrgOf(HttpContext context) =>
        context.Principal().OrgId is { } org
            ? org
            : new Refusal(403, "organization_key_required",
                "Stored responses belong to an organization: use a virtual key of the organization that created the response, not the admin token.");

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => DialectErrors.WriteAsync(context, Wire, refusal);
}
