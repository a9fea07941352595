using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Tools;

namespace Gateway.Host.Features.Tools;

/// <summary>
/// A request that asks for gateway tools: the model is offered each as a function, and every call it makes of one is
/// run here (in order, one at a time), shown to the client as a <see cref="ServerToolCallPart"/> and its
/// <see cref="ServerToolResultPart"/>, and fed back to the model, which is called again, until it answers without one.
/// A turn that also calls the client's own functions stops with them after the gateway's ran. After
/// <c>max_tool_iterations</c> rounds the model is asked to answer without tools; if it calls one still, the answer ends
/// with a note saying so, without running it. Each run is held on the budgets first and recorded after
/// (<see cref="ToolRunLedger"/>); a tool standing in for a native one that set <c>max_uses</c> runs at most that many
/// times, later calls answered that it may not. Disposing closes every tool's session.
/// </summary>
/// <param name="passedThrough">The client's own provider kind when the loop only stands in for its native tools (<see cref="IChatLoop.PassedThrough"/>).</param>
internal sealed class ToolLoop(IReadOnlyList<ToolLoop.Tool> tools, ToolRunLedger ledger, ToolCaller caller, int maxIterations, ProviderKind? passedThrough = null) : IChatLoop
{
    /// <summary>What the answer ends with when the model called a tool after the last round it was allowed.</summary>
    public static string CapNote(int rounds) => string.Create(CultureInfo.InvariantCulture,
        $"\n\n[gateway: the model asked for another tool call after {rounds} tool rounds, the most this gateway runs for one request (tools.max_tool_iterations); it was not run]");

    /// <summary>A tool the request asked for, with its session for this request.</summary>
    /// <param name="LongestRun">The longest one of its runs can be billed for, with the request's options.</param>
    internal sealed record Tool(GatewayToolUse Use, IGatewayTool Runner, IToolSession Session, ToolPrice Price, TimeSpan LongestRun)
    {
        public string Function => GatewayToolNames.Type(Use.Kind);

        /// <summary>The name the client sees the call under: its own entry's name, else the dialects' usual one.</summary>
        public string ShownName => Use.Name ?? GatewayToolNames.AnthropicDefaultName(Use.Kind);
    }

    private readonly Dictionary<string, int> _uses = [];
    private int _rounds;
    private bool _clientTools;

    public int Rounds => _rounds;

    public ProviderKind? PassedThrough => passedThrough;

    public ChatRequest Begin(ChatRequest request)
    {
        _clientTools = request.Tools.Count > 0;
        return request with { Tools = [.. request.Tools, .. tools.Select(t => new ChatTool(t.Function, Description(t.Use.Kind), t.Runner.ParametersSchema.ToJsonString()))] };
    }

    public bool Holds(string toolName) => tools.Any(t => t.Function == toolName);

    public async Task<LoopStep> NextAsync(ChatRequest sent, ChatResponse answer, int calls, CancellationToken ct)
    {
        var calling = answer.Parts.OfType<ToolCallPart>().ToList();
        var held = calling.Where(c => Holds(c.Name)).ToList();
        var clientCalls = calling.Count > held.Count;
        if (held.Count == 0)
            return LoopStep.Done();
        if (_rounds >= maxIterations)
            return LoopStep.Done([new TextPart(CapNote(_rounds))], clientCalls ? FinishReason.ToolCalls : FinishReason.Stop);

        var shown = new List<ChatPart>();
        var results = new List<ChatMessage>();
        foreach (var call in held)
        {
            var tool = tools.First(t => t.Function == call.Name);
            var ran = await RunAsync(tool, call, ct);
            if (ran.Refused(out var refusal, out var run))
                return LoopStep.Refuse(refusal with { Message = $"{refusal.Message} (before the {tool.Function} call {call.Id}; the calls before it are recorded and charged)" }, shown);
            shown.Add(new ServerToolCallPart(call.Id, tool.Use.Kind, tool.ShownName, call.ArgumentsJson, call.Signature));
            shown.Add(new ServerToolResultPart(call.Id, tool.Use.Kind, run.Text, ToolOutcomes.Of(run.Result, call.ArgumentsJson)));
            results.Add(new ChatMessage(ChatRole.Tool, [new ToolResultPart(call.Id, run.Text)]));
        }

        // The client answers its own calls; its next turn carries what the gateway's returned.
        if (clientCalls)
            return LoopStep.Done(shown, FinishReason.ToolCalls);
        _rounds++;
        var next = sent with { Messages = [.. sent.Messages, new ChatMessage(ChatRole.Assistant, answer.Parts), .. results] };
        // The last round: the model must answer. With the client's own functions offered, "none" would forbid those
        // too, so they stay offered and a gateway call made anyway ends the answer with the note instead.
        if (_rounds >= maxIterations && !_clientTools)
            next = next with { ToolChoice = new ChatToolChoice(ToolChoiceKind.None) };
        return LoopStep.Again(next, shown);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tool in tools)
            await tool.Session.DisposeAsync();
    }

    /// <summary>One call: held on the budgets, run, recorded; arguments that are not a JSON object fail without running.</summary>
    private async Task<RefusalOr<ToolRun>> RunAsync(Tool tool, ToolCallPart call, CancellationToken ct)
    {
        var startedAt = ledger.Now;
        var clock = Stopwatch.StartNew();
        var uses = _uses[tool.Function] = _uses.GetValueOrDefault(tool.Function) + 1;
        if (tool.Use.MaxUses is { } most && uses > most)
        {
            var over = ToolRun.Invalid(string.Create(CultureInfo.InvariantCulture, $"{tool.ShownName} may run at most {most} times in this request (max_uses); answer with what the earlier calls found"));
            ledger.Record(caller, tool.Use.Kind, BudgetLedger.Admission.None, over, tool.Price, startedAt, clock.Elapsed);
            return over;
        }

        if (Arguments(call.ArgumentsJson) is not { } arguments)
        {
            var invalid = ToolRun.Invalid($"the arguments of {tool.Function} must be a JSON object, not: {call.ArgumentsJson}");
            ledger.Record(caller, tool.Use.Kind, BudgetLedger.Admission.None, invalid, tool.Price, startedAt, clock.Elapsed);
            return invalid;
        }

        var admitted = await ledger.AdmitAsync(caller, tool.Use.Kind, tool.Price.WorstCase(tool.LongestRun), ct);
        if (admitted.Refused(out var refusal, out var admission))
            return refusal;
        ToolRun run;
        try
        {
            run = await tool.Session.RunAsync(arguments, ct);
        }
        catch
        {
            // Cancelled with the request: nothing ran to its end, nothing is billed, the hold goes back.
            BudgetLedger.Release(admission);
            throw;
        }

        ledger.Record(caller, tool.Use.Kind, admission, run, tool.Price, startedAt, clock.Elapsed);
        return run;
    }

    private static JsonObject? Arguments(string json)
    {
        try
        {
            return JsonNode.Parse(json.Length == 0 ? "{}" : json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the function is, for the model.</summary>
    private static string Description(GatewayToolKind kind) => kind switch
    {
        GatewayToolKind.WebSearch => Gateway.Tools.WebSearch.WebSearchTool.Description,
        GatewayToolKind.CodeExecution => "Run Python 3 code in a sandbox without network access, and get its output, exit code and the files it wrote.",
    };
}
