using Microsoft.AspNetCore.Http.Metadata;

namespace Gateway.Host.Features.Dialects;

/// <summary>Marks an endpoint as one of a client dialect's: its failures are answered in that dialect.</summary>
internal sealed record DialectEndpoint(Dialect Dialect);

/// <summary>
/// An inference endpoint's JSON body, for the OpenAPI document, with no content type that routing would
/// enforce: routing refuses a mismatch with a bare 415 in no dialect, where the run refuses it in the
/// caller's (and reads a body sent without any Content-Type as JSON, as the upstream APIs do).
/// </summary>
internal sealed record JsonBody(Type RequestType) : IAcceptsMetadata
{
    public IReadOnlyList<string> ContentTypes => [];

    public bool IsOptional => false;
}

internal static class DialectEndpoints
{
    public static RouteHandlerBuilder InDialect(this RouteHandlerBuilder route, Dialect dialect) => route.WithMetadata(new DialectEndpoint(dialect));

    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder route) => route.AcceptsJson(typeof(T));

    public static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder route, Type requestType) => route.WithMetadata(new JsonBody(requestType));
}
