namespace Gateway.Domain.Budgets;

/// <summary>
/// What of an instance's lease on a budget period is in use: held for requests in flight, and spent but not yet stored
/// (nor being stored: the usage writer's batch in flight may be in the database already).
/// </summary>
public readonly record struct LeaseUse(Spend Held, Spend Unstored);
