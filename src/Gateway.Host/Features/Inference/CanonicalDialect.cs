using System.Text.Json.Nodes;
using Gateway.Host.Features.Dialects;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// A client dialect whose requests reach providers of other wire formats through a canonical form
/// (<see cref="Gateway.Domain.Chat.ChatRequest"/>, <see cref="Gateway.Domain.Chat.TextsToEmbed"/>), read from the
/// body only when some target needs it.
/// </summary>
internal abstract class CanonicalDialect<TCanonical> : ClientDialect
    where TCanonical : class
{
    /// <summary>The request in canonical form; null until a translation needed it.</summary>
    public TCanonical? Canonical { get; private set; }

    /// <summary>The canonical form of the body, or every problem that keeps the body from being carried in it.</summary>
    protected abstract (TCanonical? Canonical, IReadOnlyList<string> Problems) ReadCanonical(JsonObject body);

    public override Refusal? Prepare(bool translating)
    {
        if (!translating)
            return null;
        var (read, problems) = ReadCanonical(Body);
        Canonical = read;
        return read is null ? Refusal.InvalidRequest(string.Join("; ", problems)) : null;
    }
}
