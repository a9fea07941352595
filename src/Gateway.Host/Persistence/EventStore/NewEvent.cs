namespace Gateway.Host.Persistence.EventStore;

/// <summary>An event about to be appended. The id makes a retried append a no-op.</summary>
/// <param name="Type">Stable wire name of the event, e.g. <c>organization.created</c>; never a CLR type name.</param>
internal sealed record NewEvent(Guid Id, string Type, object Data, EventMetadata Metadata)
{
    public static NewEvent Create(string type, object data, EventMetadata metadata) =>
        new(Guid.CreateVersion7(), type, data, metadata);
}
