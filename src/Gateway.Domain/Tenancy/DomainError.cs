namespace Gateway.Domain.Tenancy;

public enum DomainErrorKind
{
    NotFound,

    /// <summary>The resource is not in a state that allows the change (already suspended, revoked, ...).</summary>
    Conflict,
}

/// <summary>A refused command, answered 404 or 409 at the edge.</summary>
public sealed record DomainError(DomainErrorKind Kind, string Message)
{
    public static DomainError NotFound(string what) => new(DomainErrorKind.NotFound, $"{what} not found");

    public static DomainError Conflict(string message) => new(DomainErrorKind.Conflict, message);
}

/// <summary>Either the event a command produces or why it was refused.</summary>
public readonly record struct Decision(ITenancyEvent? Event, DomainError? Error)
{
    public static implicit operator Decision(DomainError error) => new(null, error);

    public static Decision Emit(ITenancyEvent e) => new(e, null);
}
