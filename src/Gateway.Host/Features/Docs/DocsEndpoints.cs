namespace Gateway.Host.Features.Docs;

/// <summary>
/// <c>/docs</c>: the API reference rendered by Scalar from <c>/openapi.json</c>. The Scalar bundle is
/// embedded in the binary (see update-scalar.sh), so the page works without reaching any CDN.
/// </summary>
internal static class DocsEndpoints
{
    private static readonly Lazy<byte[]> Page = new(() => Resource("docs/docs.html"));
    private static readonly Lazy<byte[]> Bundle = new(() => Resource("docs/scalar.js"));

    public static void MapDocs(this WebApplication app)
    {
        var docs = app.MapGroup("/docs").ExcludeFromDescription().AllowAnonymous();
        docs.MapGet("", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        docs.MapGet("/scalar.js", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Bytes(Bundle.Value, "text/javascript; charset=utf-8");
        });
    }

    private static byte[] Resource(string name)
    {
        using var stream = typeof(DocsEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build; run src/Gateway.Host/Features/Docs/update-scalar.sh");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
