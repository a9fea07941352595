using System.Globalization;
using Gateway.Domain.Pricing;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence.EventStore;
using Microsoft.AspNetCore.Mvc;
using static Gateway.Host.Features.Pricing.PriceEvents;

namespace Gateway.Host.Features.Pricing;

/// <summary>
/// <c>/v1/pricing</c>: what each model costs, versioned by the time a price takes effect. Anyone with
/// a key may read prices; only the platform admin sets them. A request is charged at the price in
/// force when it ran, so a new version never reprices the past.
/// </summary>
internal static class PricingEndpoints
{
    /// <param name="Model"><c>provider:model</c> for one provider instance, or a bare model name for any provider serving it.</param>
    /// <param name="CachedInputPerMillion">Prompt tokens read from the upstream's cache; absent or null: billed as input.</param>
    /// <param name="CacheWritePerMillion">Prompt tokens written to the cache for 5 minutes (Anthropic's default); absent or null: billed as input.</param>
    /// <param name="CacheWrite1hPerMillion">Prompt tokens written to the cache for 1 hour; absent or null: billed as input.</param>
    /// <param name="EffectiveAt">When the price takes effect; default: now. A future time schedules a change.</param>
    internal sealed record SetPriceRequest(
        string? Model, decimal? InputPerMillion, decimal? OutputPerMillion, decimal? CachedInputPerMillion, decimal? CacheWritePerMillion,
        decimal? CacheWrite1hPerMillion, DateTimeOffset? EffectiveAt)
    {
        public static SetPriceRequest Example { get; } = new("claude-sonnet-4-5", 3m, 15m, 0.30m, 3.75m, 6m, null);
    }

    /// <param name="CachedInputPerMillion">Prompt tokens read from the cache; null: billed as input.</param>
    /// <param name="CacheWritePerMillion">Prompt tokens written to the cache for 5 minutes; null: billed as input.</param>
    /// <param name="CacheWrite1hPerMillion">Prompt tokens written to the cache for 1 hour; null: billed as input.</param>
    /// <param name="Source">shipped (the gateway's dated table), config (the config file) or api.</param>
    internal sealed record PriceResponse(
        string Model, decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion, decimal? CacheWritePerMillion,
        decimal? CacheWrite1hPerMillion, DateTimeOffset? EffectiveAt, string Source);

    public static void MapPricing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/pricing").WithTags("Pricing");
        group.MapGet("", List).WithName("listPrices")
            .WithSummary("The price in force for every priced model, now or at a given time (USD per million tokens)")
            .Produces<List<PriceResponse>>().WithManagementProblems();
        group.MapGet("/history", History).WithName("listPriceVersions")
            .WithSummary("Every version of one model's price, from every source")
            .Produces<List<PriceResponse>>().WithManagementProblems();
        group.MapPost("", SetAsync).WithName("setPrice")
            .WithSummary("Add a price version, in force from effective_at (default now) (platform admin)")
            .Accepts<SetPriceRequest>("application/json").Produces<PriceResponse>(StatusCodes.Status201Created).WithManagementProblems();
        group.MapDelete("", DeleteAsync).WithName("deletePriceVersion")
            .WithSummary("Withdraw a price version that has not taken effect yet (platform admin)")
            .Produces(StatusCodes.Status204NoContent).WithManagementProblems().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static IResult List(PriceStore prices, TimeProvider time, string? at)
    {
        var errors = new FieldErrors();
        var when = Instant(at, "at", errors) ?? time.GetUtcNow();
        if (errors.Count > 0)
            return Problems.Validation(errors);
        var book = prices.Book;
        return TypedResults.Ok(book.Models.Order(StringComparer.OrdinalIgnoreCase)
            .Select(m => book.InForceFor(m, when)).OfType<ModelPrice>().Select(Response).ToList());
    }

    private static IResult History(PriceStore prices, string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
            return Problems.Validation(new FieldErrors { { "model", "is required" } });
        return TypedResults.Ok(prices.Book.History(model.Trim()).OrderBy(v => v.EffectiveAt).ThenBy(v => v.Source).Select(Response).ToList());
    }

    private static async Task<IResult> SetAsync(HttpContext context, EventStore store, PriceStore prices, TimeProvider time, CancellationToken ct)
    {
        if (Denied(context) is { } denied)
            return denied;
        var body = await RequestBody.ReadAsync<SetPriceRequest>(context.Request, ct);
        if (!body.IsValid)
            return body.Refusal;
        var request = body.Value!;
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Model) || request.Model.Length > 200)
            errors.Add("model", "is required: provider:model or a bare model name, at most 200 characters");
        Price(request.InputPerMillion, "input_per_million", required: true, errors);
        Price(request.OutputPerMillion, "output_per_million", required: true, errors);
        Price(request.CachedInputPerMillion, "cached_input_per_million", required: false, errors);
        Price(request.CacheWritePerMillion, "cache_write_per_million", required: false, errors);
        Price(request.CacheWrite1hPerMillion, "cache_write_1h_per_million", required: false, errors);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var e = new PriceSet(request.Model!.Trim(), request.InputPerMillion!.Value, request.OutputPerMillion!.Value, request.CachedInputPerMillion,
            request.EffectiveAt ?? time.GetUtcNow(), request.CacheWritePerMillion, request.CacheWrite1hPerMillion);
        await store.AppendAsync(StreamId(e.Model), StreamType, ExpectedVersion.Any, [NewEvent.Create(Set, e, Metadata(context))], ct);
        await prices.ApplyAsync(e.Model, ct);
        return TypedResults.Created($"/v1/pricing/history?model={Uri.EscapeDataString(e.Model)}",
            Response(new ModelPrice(
                e.Model, e.InputPerMillion, e.OutputPerMillion, e.CachedInputPerMillion, e.EffectiveAt, PriceSource.Api, e.CacheWritePerMillion, e.CacheWrite1hPerMillion)));
    }

    private static async Task<IResult> DeleteAsync(
        HttpContext context, EventStore store, PriceStore prices, TimeProvider time, string? model, [FromQuery(Name = "effective_at")] string? effectiveAt, CancellationToken ct)
    {
        if (Denied(context) is { } denied)
            return denied;
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(model))
            errors.Add("model", "is required");
        var when = Instant(effectiveAt, "effective_at", errors);
        if (when is null && !errors.Any(e => e.Key == "effective_at"))
            errors.Add("effective_at", "is required: the version's effective time");
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var version = prices.Book.History(model!.Trim()).FirstOrDefault(v => v.Source == PriceSource.Api && v.EffectiveAt == when);
        if (version is null)
            return Problems.NotFound("price version");
        if (version.EffectiveAt <= time.GetUtcNow())
            return Problems.Conflict("this version is already in force and has priced requests; add a new version instead");
        await store.AppendAsync(StreamId(version.Model), StreamType, ExpectedVersion.Any,
            [NewEvent.Create(Deleted, new PriceDeleted(version.Model, version.EffectiveAt), Metadata(context))], ct);
        await prices.ApplyAsync(version.Model, ct);
        return TypedResults.NoContent();
    }

    private static PriceResponse Response(ModelPrice p) => new(
        p.Model, p.InputPerMillion, p.OutputPerMillion, p.CachedInputPerMillion, p.CacheWritePerMillion, p.CacheWrite1hPerMillion,
        p.EffectiveAt == DateTimeOffset.MinValue ? null : p.EffectiveAt, p.Source.ToString().ToLowerInvariant());

    private static void Price(decimal? value, string field, bool required, FieldErrors errors)
    {
        if (value is null && required)
            errors.Add(field, "is required (USD per million tokens)");
        else if (value is < 0 or > 1_000_000)
            errors.Add(field, "must be between 0 and 1,000,000 USD per million tokens");
    }

    private static DateTimeOffset? Instant(string? text, string field, FieldErrors errors)
    {
        if (text is null)
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            return value;
        errors.Add(field, "must be a date and time (ISO 8601)");
        return null;
    }

    private static IResult? Denied(HttpContext context) =>
        Problems.Deny(Access.Operate(context.Principal(), null), "price", "set prices");

    private static EventMetadata Metadata(HttpContext context) => new(null, context.Principal().Actor, context.TraceIdentifier);
}
