using Gateway.Domain.Chat;
using Gateway.Tools;
using Gateway.Tools.CodeExecution;
using Gateway.Tools.Outbound;
using Gateway.Tools.WebSearch;

namespace Gateway.Host.Features.Tools;

/// <summary>Makes each enabled tool at start; the bench and tests put a tool of their own in its place.</summary>
internal interface IToolStarter
{
    Task<IGatewayTool> StartAsync(GatewayToolKind kind, CancellationToken ct);

    /// <summary>One line for the startup log about an available tool.</summary>
    string Describe(IGatewayTool tool);
}

/// <summary>The real tools, with the operator's options: web search through the guarded outbound client, code execution in its sandbox.</summary>
internal sealed class ToolStarter(ToolSettings settings, OutboundClient outbound, TimeProvider time) : IToolStarter
{
    public async Task<IGatewayTool> StartAsync(GatewayToolKind kind, CancellationToken ct) => kind switch
    {
        GatewayToolKind.WebSearch => new WebSearchTool(settings.WebSearch, outbound, time),
        GatewayToolKind.CodeExecution => await CodeExecutionTool.StartAsync(settings.CodeExecution, time, ct),
    };

    public string Describe(IGatewayTool tool) => tool switch
    {
        CodeExecutionTool code => code.SandboxDescription ?? "sandboxed",
        WebSearchTool => $"{settings.WebSearch.Backend} at {settings.WebSearch.Url ?? "its public API"}",
        _ => tool.Name,
    };
}
