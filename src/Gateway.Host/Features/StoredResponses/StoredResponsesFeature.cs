namespace Gateway.Host.Features.StoredResponses;

/// <summary>
/// Responses API answers kept per organisation (<c>stored_responses</c>): what the Responses dialect stores and expands
/// <c>previous_response_id</c> from, the endpoints that read and delete them, and their retention.
/// </summary>
internal static class StoredResponsesFeature
{
    public static void AddStoredResponsesFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ResponseStore>();
        builder.Services.AddSingleton<ResponseWriter>();
        builder.Services.AddSingleton<ResponsesRetention>();
    }

    public static void MapStoredResponsesFeature(this IEndpointRouteBuilder app) => app.MapStoredResponses();
}
