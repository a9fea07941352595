namespace Gateway.Domain.Tenancy;

/// <summary>A user's role inside its organisation.</summary>
public enum OrgRole
{
    /// <summary>Uses its own keys and reads its own usage.</summary>
    Member,

    /// <summary>Manages the organisation's users and keys.</summary>
    Admin,
}
