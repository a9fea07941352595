using Microsoft.OpenApi;

namespace Gateway.Host.Http;

/// <summary>
/// What an operation's parameters say in the OpenAPI document. Query parameters bound as text (so that a bad value gets
/// the endpoint's own 400 naming it, not the framework's bare one) would show as strings: their real types are given here.
/// </summary>
internal static class ParameterDocs
{
    /// <param name="parameters">Every parameter of the operation by name: its description and its type.</param>
    public static void Describe(OpenApiOperation operation, IReadOnlyDictionary<string, (string Description, JsonSchemaType Type)> parameters)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            var (description, type) = parameters[parameter.Name!];
            parameter.Description = description;
            parameter.Schema = new OpenApiSchema { Type = type };
        }
    }
}
