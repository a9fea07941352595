using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Host.Features.Health;

/// <summary>Liveness (the process answers), readiness (it can serve: the database answers) and both together.</summary>
internal static class HealthEndpoints
{
    /// <summary>The checks readiness runs: those that say whether the gateway can serve.</summary>
    public const string ReadyTag = "ready";

    public static void MapHealth(this WebApplication app)
    {
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        health.MapGet("", (HealthCheckService checks, CancellationToken ct) => RunAsync(checks, _ => true, ct))
            .WithName("getHealth")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Overall health")
            .WithDescription("Runs every health check. 200 when healthy or degraded, 503 when any check fails.");

        health.MapGet("/liveness", () => TypedResults.Ok(new HealthResponse("Healthy", new Dictionary<string, HealthCheckEntry>())))
            .WithName("getLiveness")
            .WithSummary("Liveness probe")
            .WithDescription("200 whenever the process is up and serving HTTP; checks nothing else, so an orchestrator never restarts the gateway for a database outage.");

        health.MapGet("/readiness", (HealthCheckService checks, CancellationToken ct) => RunAsync(checks, c => c.Tags.Contains(ReadyTag), ct))
            .WithName("getReadiness")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Readiness probe")
            .WithDescription("200 when the gateway can serve (PostgreSQL answers within 2 s), 503 otherwise. Recovers by itself when the database returns.");
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> RunAsync(
        HealthCheckService checks, Func<HealthCheckRegistration, bool> predicate, CancellationToken ct)
    {
        var report = await checks.CheckHealthAsync(predicate, ct);
        var body = HealthResponse.From(report);
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(body);
    }
}
