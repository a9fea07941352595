using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Host.Features.Health;

/// <summary>The outcome of the health checks; 503 accompanies an <c>Unhealthy</c> status.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Checks">Each check by name; empty for liveness.</param>
internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthCheckEntry> Checks)
{
    public static HealthResponse From(HealthReport report) => new(
        report.Status.ToString(),
        report.Entries.ToDictionary(
            e => e.Key,
            e => new HealthCheckEntry(e.Value.Status.ToString(), e.Value.Description, Math.Round(e.Value.Duration.TotalMilliseconds, 1))));
}

/// <param name="DurationMs">How long the check took, in milliseconds.</param>
internal sealed record HealthCheckEntry(string Status, string? Description, double DurationMs);
