using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Tools;

namespace Gateway.Host.Features.Tools;

/// <summary>
/// A chat request whose tools name gateway tools runs as a <see cref="ToolLoop"/>, with a session of each opened with
/// the entry's options; one without runs as it always did. Refused first, in the client's dialect: a tool that is not
/// enabled (400 <c>tool_not_enabled</c>), one the key may not use (403 <c>tool_not_allowed</c>), one that cannot run here
/// (503 <c>tool_unavailable</c>, with the reason), and options the tool cannot take (400 naming the option).
/// </summary>
internal sealed class ToolLoopSource(Toolbox toolbox, ToolRunLedger ledger, KeyDirectory directory) : IChatLoopSource
{
    public RefusalOr<IChatLoop>? For(ChatDialect dialect, Principal principal, string requestId)
    {
        var uses = dialect.GatewayTools;
        if (uses.Count == 0)
            return null;
        var entries = uses.Select(u => toolbox.Find(u.Kind)).ToList();
        if (entries.Select(e => Refuse(e, principal)).FirstOrDefault(r => r is not null) is { } refused)
            return refused;

        var tools = new List<ToolLoop.Tool>(uses.Count);
        foreach (var (use, entry) in uses.Zip(entries))
        {
            IToolSession session;
            try
            {
                session = entry.Tool!.OpenSession(use.Options);
            }
            catch (ToolOptionsException e)
            {
                // Sessions that never ran hold nothing yet, and both tools' close such a one at once.
                foreach (var opened in tools)
                    opened.Session.DisposeAsync().AsTask().GetAwaiter().GetResult();
                return Refusal.InvalidRequest($"the {entry.Type} tool's option {e.Option} {e.Problem}");
            }

            tools.Add(new ToolLoop.Tool(use, entry.Tool, session, entry.Price, ToolLimits.LongestRun(use.Kind, toolbox.Settings, use.Options)));
        }

        var caller = new ToolCaller(principal, requestId, dialect.Wire.ToString().ToLowerInvariant(), dialect.Stream);
        return new ToolLoop(tools, ledger, caller, toolbox.Settings.MaxToolIterations);
    }

    private Refusal? Refuse(ToolboxEntry entry, Principal principal)
    {
        if (!entry.Enabled)
            return new Refusal(400, "tool_not_enabled", $"the tool {entry.Type} is not enabled on this gateway; GET /v1/tools lists the tools there are");
        if (!directory.MayUseTool(principal, entry.Type))
            return new Refusal(403, "tool_not_allowed", $"this key may not use the tool {entry.Type} (allowed_tools of its organization or key)");
        return entry.Availability.IsAvailable
            ? null
            : new Refusal(503, "tool_unavailable", $"the tool {entry.Type} cannot run on this gateway now: {entry.Availability.Reason}");
    }
}
