namespace Gateway.Host.Persistence.Postgres;

/// <summary>A local cluster could not be prepared or started; the message says what to do about it.</summary>
internal sealed class LocalClusterException(string message) : Exception(message);
