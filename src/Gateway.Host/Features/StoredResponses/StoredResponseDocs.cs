using Gateway.Host.Http;
using Microsoft.OpenApi;

namespace Gateway.Host.Features.StoredResponses;

/// <summary>What the stored-response operations' parameters say in the OpenAPI document.</summary>
internal static class StoredResponseDocs
{
    private static readonly Dictionary<string, (string Description, JsonSchemaType Type)> Parameters = new()
    {
        ["id"] = ("The response's id (resp_...), as its answer gave it.", JsonSchemaType.String),
        ["stream"] = ("Only false: a stored response is kept as its finished object, and stream=true is refused.", JsonSchemaType.Boolean),
        ["after"] = ("An item id of this response (the last_id of the previous page): the page starts after it.", JsonSchemaType.String),
        ["limit"] = ($"Items per page, 1 to {InputItemsQuery.MaxLimit}, default {InputItemsQuery.DefaultLimit}.", JsonSchemaType.Integer),
        ["order"] = ("desc (default: the last item sent first) or asc.", JsonSchemaType.String),
    };

    public static RouteHandlerBuilder WithParameterDocs(this RouteHandlerBuilder builder) => builder.AddOpenApiOperationTransformer((operation, _, _) =>
    {
        ParameterDocs.Describe(operation, Parameters);
        return Task.CompletedTask;
    });
}
