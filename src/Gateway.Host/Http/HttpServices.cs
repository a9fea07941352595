namespace Gateway.Host.Http;

/// <summary>How every endpoint speaks JSON (snake_case, strict) and refuses (problem+json).</summary>
internal static class HttpServices
{
    public static void AddGatewayHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(GatewayJson.Options);
        builder.Services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
    }
}
