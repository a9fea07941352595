using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference.Looping;

/// <summary>
/// Decides, from a chat request whose body was found valid, whether it runs as a loop, and makes the loop. Registered
/// in the services; the first source that answers wins. With none, every request is one call, as it always was.
/// </summary>
internal interface IChatLoopSource
{
    /// <returns>
    /// Null for an ordinary one-call request; else the loop, or the refusal the client gets instead (a tool the
    /// request asks for that is disabled or not allowed to its key).
    /// </returns>
    /// <param name="requestId">The client request's id, which every record the loop makes carries.</param>
    /// <param name="kinds">The provider kinds of the targets the request may reach, in its fallback chain (read only when needed).</param>
    RefusalOr<IChatLoop>? For(ChatDialect dialect, Principal principal, string requestId, IEnumerable<ProviderKind> kinds);
}
