using System.Text.Json.Nodes;

namespace Gateway.Tools;

/// <summary>The tool's state for one client request: every call the model makes in that request runs here.</summary>
public interface IToolSession : IAsyncDisposable
{
    /// <summary>Runs one call. A bad call or a failing backend never throws: the run says why, and is not billed.</summary>
    Task<ToolRun> RunAsync(JsonObject arguments, CancellationToken ct);
}
