using Gateway.Domain.Chat;
using Gateway.Tools;

namespace Gateway.Host.Features.Tools;

/// <summary>
/// The gateway's tools, by kind: which are enabled, whether each can run here and what it costs. The enabled ones are
/// started (code execution probes its sandbox) before the gateway takes requests, and what each found is logged once.
/// </summary>
internal sealed partial class Toolbox(ToolSettings settings, IToolStarter starter, ILogger<Toolbox> logger) : IHostedService
{
    private readonly Dictionary<GatewayToolKind, IGatewayTool> _started = [];

    public ToolSettings Settings => settings;

    public IEnumerable<ToolboxEntry> All => Enum.GetValues<GatewayToolKind>().Select(Find);

    public ToolboxEntry Find(GatewayToolKind kind) =>
        new(kind, settings.Enabled(kind), _started.GetValueOrDefault(kind), settings.Prices[kind], settings);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in Enum.GetValues<GatewayToolKind>().Where(settings.Enabled))
        {
            var tool = await starter.StartAsync(kind, cancellationToken);
            _started[kind] = tool;
            if (tool.Availability.IsAvailable)
            {
                var description = starter.Describe(tool);
                LogAvailable(tool.Name, description);
            }
            else
                LogUnavailable(tool.Name, tool.Availability.Reason!);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Tool {Tool} is available: {Description}")]
    private partial void LogAvailable(string tool, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tool {Tool} is enabled but unavailable: {Reason}")]
    private partial void LogUnavailable(string tool, string reason);
}

/// <summary>One tool as the toolbox knows it: <see cref="Tool"/> is null when it is disabled or not started yet.</summary>
internal sealed record ToolboxEntry(GatewayToolKind Kind, bool Enabled, IGatewayTool? Tool, ToolPrice Price, ToolSettings Settings)
{
    public string Type => GatewayToolNames.Type(Kind);

    public ToolAvailability Availability => Tool?.Availability ?? ToolAvailability.Unavailable(Enabled
        ? "the gateway is still starting it"
        : $"it is not enabled; an operator sets tools.{ToolSettings.Section(Kind)}.enabled: true");
}
