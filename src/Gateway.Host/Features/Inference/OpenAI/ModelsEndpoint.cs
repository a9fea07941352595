using Gateway.Domain.Chat.OpenAI;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary>
/// <c>GET /v1/models</c>: the models the caller's key may use, as <c>provider:model</c>; <c>/v1/models/{id}</c>: one of
/// them by any name a request may use, answered with that name as its id.
/// </summary>
internal static class ModelsEndpoint
{
    /// <param name="OwnedBy">The provider instance that serves it.</param>
    internal sealed record Model(string Id, string Object, long Created, string OwnedBy);

    internal sealed record ModelList(string Object, IReadOnlyList<Model> Data);

    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
                TypedResults.Ok(new ModelList("list", Visible(context, registry, directory))))
            .WithTags("OpenAI").WithName("listModels").InDialect(Dialect.OpenAI).WithSummary("Models the caller's key may use")
            .ProducesErrors<OpenAIError>(StatusCodes.Status500InternalServerError);

        app.MapGet("/v1/models/{*id}", async (string id, HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
            {
                if (Lookup(id, context, registry, directory) is { } found)
                    await TypedResults.Ok(new Model(found.Asked, "model", 0, found.Target.Provider)).ExecuteAsync(context);
                else
                    await DialectErrors.WriteAsync(context, Dialect.OpenAI, 404, "model_not_found", $"the model '{Uri.UnescapeDataString(id)}' does not exist or this key may not use it");
            })
            .WithTags("OpenAI").WithName("getModel").InDialect(Dialect.OpenAI)
            .WithSummary("One model, by any name a request may use: provider:model, provider/model, a bare model name or an alias")
            .Produces<Model>().ProducesErrors<OpenAIError>(StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
    }

    private static List<Model> Visible(HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
        [.. Usable(context, registry, directory).Select(x => new Model($"{x.Provider}:{x.Model}", "model", 0, x.Provider))];

    /// <summary>
    /// A model looked up by any name a request may use (URL-escaped or not), and the first of its listed targets
    /// the caller's key may use; null when it names no listed model or the key may use none of them. The target
    /// tells no more than the list does, which shows every <c>provider:model</c> the key may use.
    /// </summary>
    internal static (string Asked, RouteTarget Target)? Lookup(string name, HttpContext context, ProviderRegistry registry, KeyDirectory directory)
    {
        var asked = Uri.UnescapeDataString(name);
        var principal = context.Principal();
        return registry.Router.Listed(asked).FirstOrDefault(t => directory.MayUse(principal, t.Provider, t.Model)) is { } target ? (asked, target) : null;
    }

    /// <summary>Every provider's models, in provider order, that the caller's key may use: what each dialect's model list shows.</summary>
    internal static IEnumerable<(string Provider, string Model)> Usable(HttpContext context, ProviderRegistry registry, KeyDirectory directory)
    {
        var principal = context.Principal();
        return registry.InOrder
            .SelectMany(p => p.AllModels.Select(m => (Provider: p.Name, Model: m)))
            .Where(x => directory.MayUse(principal, x.Provider, x.Model));
    }
}
