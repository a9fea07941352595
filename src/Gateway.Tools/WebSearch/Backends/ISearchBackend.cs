namespace Gateway.Tools.WebSearch.Backends;

/// <summary>One search API, spoken in its own wire format. The caller filters, counts and fetches what it answers.</summary>
internal interface ISearchBackend
{
    /// <summary>Never throws for what the backend does (refused, down, an error, bad JSON): the answer says why.</summary>
    Task<BackendAnswer> SearchAsync(BackendQuery query, CancellationToken ct);
}

/// <param name="Count">Results wanted; a backend that takes a count asks for this many (its own cap permitting).</param>
/// <param name="Filter">The request's domains, for a backend that can apply them itself; the caller applies them again.</param>
internal sealed record BackendQuery(string Text, int Count, DomainFilter Filter);

/// <param name="Snippet">The backend's own excerpt, as plain text.</param>
/// <param name="Published">When the backend dates the page; null when it does not.</param>
internal sealed record BackendHit(string Title, Uri Url, string Snippet, DateTimeOffset? Published);

/// <summary>The hits in the backend's order, or why there are none to be had.</summary>
internal sealed record BackendAnswer(IReadOnlyList<BackendHit> Hits, string? Failure)
{
    public static BackendAnswer Failed(string reason) => new([], reason);
}
