using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Tools.CodeExecution;

namespace Gateway.Host.Features.Tools;

/// <summary>What bounds each tool's runs, from the operator's options: shown by <c>GET /v1/tools</c>, and the longest a run is held for in a budget.</summary>
internal static class ToolLimits
{
    /// <summary>The effective limits, by their config keys.</summary>
    public static IReadOnlyDictionary<string, long> Of(GatewayToolKind kind, ToolSettings settings) => kind switch
    {
        GatewayToolKind.WebSearch => new Dictionary<string, long>
        {
            ["max_results"] = settings.WebSearch.MaxResults,
            ["excerpt_characters"] = settings.WebSearch.ExcerptCharacters,
            ["fetch_timeout_seconds"] = settings.WebSearch.FetchTimeoutSeconds,
            ["backend_timeout_seconds"] = settings.WebSearch.BackendTimeoutSeconds,
            ["max_page_bytes"] = settings.WebSearch.MaxPageBytes,
        },
        GatewayToolKind.CodeExecution => new Dictionary<string, long>
        {
            ["timeout_seconds"] = settings.CodeExecution.TimeoutSeconds,
            ["memory_mb"] = settings.CodeExecution.MemoryMb,
            ["cpu_seconds"] = settings.CodeExecution.CpuSeconds,
            ["processes"] = settings.CodeExecution.Processes,
            ["file_size_mb"] = settings.CodeExecution.FileSizeMb,
            ["work_mb"] = settings.CodeExecution.WorkMb,
            ["max_sessions"] = settings.CodeExecution.MaxSessions,
        },
    };

    /// <summary>
    /// The longest one run can be billed for, with the request's options (already accepted by the tool): a code run's
    /// wall clock; a search's backend timeout plus its page fetches, a batch of <c>fetch_concurrency</c> at a time.
    /// </summary>
    public static TimeSpan LongestRun(GatewayToolKind kind, ToolSettings settings, JsonObject options) => kind switch
    {
        GatewayToolKind.WebSearch => TimeSpan.FromSeconds(settings.WebSearch.BackendTimeoutSeconds
            + (Math.Ceiling((double)settings.WebSearch.MaxResults / settings.WebSearch.FetchConcurrency) * settings.WebSearch.FetchTimeoutSeconds)),
        GatewayToolKind.CodeExecution => TimeSpan.FromSeconds(
            options[CodeExecutionTool.TimeoutOption] is JsonValue value && value.TryGetValue<int>(out var seconds) ? seconds : settings.CodeExecution.TimeoutSeconds),
    };
}
