using Gateway.Domain.Upstreams.Sharing;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Inference.Anthropic;
using Gateway.Host.Features.Inference.Gemini;
using Gateway.Host.Features.Inference.OpenAI;
using Gateway.Host.Features.Inference.Responses;
using Gateway.Host.Http;

namespace Gateway.Host.Features.Inference;

/// <summary>The model APIs of every client dialect, the run they share, its rate limits and its body limit.</summary>
internal static class InferenceFeature
{
    public static void AddInferenceFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InferenceRunner>();
        builder.Services.AddSingleton(sp => new CallerLimits(sp.GetRequiredService<QuotaShares>()));
        builder.Services.AddSingleton(TranslationSettings.FromConfiguration(builder.Configuration));
        var bodyLimits = BodyLimits.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(bodyLimits);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = bodyLimits.Bytes);
    }

    public static void MapInferenceFeature(this IEndpointRouteBuilder app)
    {
        app.MapOpenAIInference();
        app.MapResponsesInference();
        app.MapAnthropicInference();
        app.MapGeminiInference();
        app.MapModels();
    }
}
