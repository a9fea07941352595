namespace Gateway.Host.Persistence.EventStore;

/// <summary>Who did what on whose behalf: stored beside every event and used to filter audit views.</summary>
/// <param name="TenantId">The organisation the event belongs to; null for platform-level events.</param>
/// <param name="Actor">The acting principal, e.g. <c>admin:bootstrap</c> or <c>key:01J…</c>.</param>
/// <param name="CorrelationId">Ties together every event caused by one request.</param>
/// <param name="CausationId">The event or command that caused this one, when there is one.</param>
internal sealed record EventMetadata(string? TenantId, string? Actor, string? CorrelationId, string? CausationId = null)
{
    public static EventMetadata System { get; } = new(null, "system", null);
}
