using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Inference.OpenAI;

/// <summary><c>GET /v1/models</c> and <c>/v1/models/{id}</c>: the models the caller's key may use, as <c>provider:model</c>.</summary>
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
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status500InternalServerError);

        app.MapGet("/v1/models/{*id}", async (string id, HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
            {
                var model = Visible(context, registry, directory).FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
                if (model is null)
                    await DialectErrors.WriteAsync(context, Dialect.OpenAI, 404, "model_not_found", $"the model '{id}' does not exist or this key may not use it");
                else
                    await TypedResults.Ok(model).ExecuteAsync(context);
            })
            .WithTags("OpenAI").WithName("getModel").InDialect(Dialect.OpenAI).WithSummary("One model, if the caller's key may use it")
            .Produces<Model>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status500InternalServerError);
    }

    private static List<Model> Visible(HttpContext context, ProviderRegistry registry, KeyDirectory directory) =>
        [.. Usable(context, registry, directory).Select(x => new Model($"{x.Provider}:{x.Model}", "model", 0, x.Provider))];

    /// <summary>Every provider's models, in provider order, that the caller's key may use: what each dialect's model list shows.</summary>
    internal static IEnumerable<(string Provider, string Model)> Usable(HttpContext context, ProviderRegistry registry, KeyDirectory directory)
    {
        var principal = context.Principal();
        return registry.InOrder
            .SelectMany(p => p.AllModels.Select(m => (Provider: p.Name, Model: m)))
            .Where(x => directory.MayUse(principal, x.Provider, x.Model));
    }
}
