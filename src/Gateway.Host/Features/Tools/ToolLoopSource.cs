using Gateway.Domain.Chat;
using Gateway.Domain.Tenancy;
using Gateway.Domain.Upstreams;
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
/// With <c>tools.intercept_native</c> on, the provider-native tools a request names (<see cref="NativeToolUse"/>) run as
/// the gateway's tools of the same kind for the targets of other kinds, when the gateway can run every one of them for
/// this key; a request that names no gateway tool then passes through, as it came, to targets of the client's own
/// kind (<see cref="ToolLoop.PassedThrough"/>). A request that names both runs the loop on every target, so its native
/// tools are run by the gateway or the request is refused.
/// </summary>
internal sealed class ToolLoopSource(Toolbox toolbox, ToolRunLedger ledger, KeyDirectory directory) : IChatLoopSource
{
    public RefusalOr<IChatLoop>? For(ChatDialect dialect, Principal principal, string requestId, IEnumerable<ProviderKind> kinds)
    {
        var requested = dialect.GatewayTools;
        var native = dialect.NativeTools;
        if (requested.Count == 0 && native.Count == 0)
            return null;
        IReadOnlyList<GatewayToolUse> standIns = [];
        // Some target cannot be sent the request as it came: one of another kind, or any, when the body echoes the gateway's blocks.
        if (native.Count > 0 && (requested.Count > 0 || kinds.Any(k => k != dialect.Native) || dialect.EchoesGatewayTools))
        {
            if (StandInsRefused(native, principal, requested.Count > 0) is { } refused)
                return refused;
            standIns = toolbox.Settings.InterceptNative && native.All(n => Refuse(toolbox.Find(n.StandIn.Kind), principal) is null) ? [.. native.Select(n => n.StandIn)] : [];
        }

        var uses = requested.Concat(standIns).ToList();
        if (uses.Count == 0)
            return null;
        if (uses.GroupBy(u => u.Kind).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return Refusal.InvalidRequest($"the request asks for {GatewayToolNames.Type(twice.Key)} and a provider-native tool of the same kind that it would stand in for ({string.Join(", ", native.Where(n => n.StandIn.Kind == twice.Key).Select(n => n.Entry))}); name one of them");
        if (Clash(dialect.DeclaredFunctions, uses, native) is { } clash)
            return clash;
        var entries = uses.Select(u => toolbox.Find(u.Kind)).ToList();
        if (entries.Select(e => Refuse(e, principal)).FirstOrDefault(r => r is not null) is { } refusal)
            return refusal;

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
        // An echo of the gateway's blocks keeps the request from passing through: then the loop runs on every target.
        return new ToolLoop(tools, ledger, caller, toolbox.Settings.MaxToolIterations, requested.Count == 0 && !dialect.EchoesGatewayTools ? dialect.Native : null);
    }

    /// <summary>
    /// A client function named as a function the loop offers the model (<c>gateway_web_search</c>, ...): the model's
    /// calls of the one could not be told from the other's, so the request is refused, naming both.
    /// </summary>
    private static Refusal? Clash(IReadOnlyList<DeclaredFunction> declared, IReadOnlyList<GatewayToolUse> uses, IReadOnlyList<NativeToolUse> native)
    {
        foreach (var function in declared)
        {
            if (uses.FirstOrDefault(u => GatewayToolNames.Type(u.Kind) == function.Name) is not { } use)
                continue;
            var standingIn = native.FirstOrDefault(n => n.StandIn == use) is { } n ? $", here in place of {n.Entry}" : "";
            var problem = $"'{function.Name}' is the name of the function the gateway offers the model for its {function.Name} tool, which this request asks for{standingIn}; give the function another name";
            return Refusal.InvalidRequest($"{function.Path} {problem}", [new FieldProblem(function.Path, problem)]);
        }

        return null;
    }

    /// <summary>
    /// With gateway tools in the request, every target runs the loop, and the canonical form it runs on cannot carry a
    /// native tool: unless the gateway runs them all, the request is refused, saying why.
    /// </summary>
    private Refusal? StandInsRefused(IReadOnlyList<NativeToolUse> native, Principal principal, bool withGatewayTools)
    {
        if (!withGatewayTools)
            return null;
        var first = native[0];
        if (!toolbox.Settings.InterceptNative)
        {
            return new Refusal(400, "native_tool_unsupported",
                $"{first.Entry} is a provider's own tool, and a request that also asks for gateway tools runs them in the gateway's loop, where the provider's cannot go; "
                + $"with tools.intercept_native: true the gateway runs its {GatewayToolNames.Type(first.StandIn.Kind)} in its place, or ask for {GatewayToolNames.Type(first.StandIn.Kind)} instead");
        }

        return native.Select(n => Refuse(toolbox.Find(n.StandIn.Kind), principal) is { } refused
            ? refused with { Message = $"{n.Entry} runs as the gateway's {GatewayToolNames.Type(n.StandIn.Kind)} here (tools.intercept_native), and {refused.Message}" }
            : null).FirstOrDefault(r => r is not null);
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
