using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Domain.Chat;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// What one inference request needs from its client's dialect; <see cref="InferencePipeline"/> does the
/// rest (routing, access, pricing, rate limits, budgets, key rotation, settlement, the usage record)
/// the same way for every dialect. One instance serves one request.
/// </summary>
internal abstract class InferenceExchange
{
    /// <summary>A refusal before anything went upstream, written in the client's dialect.</summary>
    /// <param name="Fields">The request fields at fault, when it is about some (OpenAI's <c>param</c>, Google's field violations).</param>
    internal sealed record Refusal(int Status, string Code, string Message, IReadOnlyList<FieldProblem>? Fields = null);

    /// <summary>How the answer reached the client: its status for the record, and what it used.</summary>
    /// <param name="Usage">Null when nothing was reported (a non-streamed answer without usage).</param>
    /// <param name="UsageEstimated">True when the tokens were estimated rather than reported by the upstream.</param>
    internal sealed record Relayed(int Status, ChatUsage? Usage, bool UsageEstimated, double? TimeToFirstTokenMs, RelayEnd End)
    {
        public bool ClientCancelled => End == RelayEnd.ClientLeft;
    }

    public abstract Dialect Dialect { get; }

    /// <summary>The path recorded on the usage record, e.g. <c>/v1/messages</c>.</summary>
    public abstract string Endpoint { get; }

    /// <summary>The upstream type that speaks this dialect: its errors pass through as they came.</summary>
    public abstract ProviderKind NativeKind { get; }

    /// <summary>Whether the client asked for a stream (known once the body was read).</summary>
    public abstract bool Stream { get; }

    /// <summary>The model named by the path rather than the body (Gemini's <c>models/{model}:generateContent</c>), or null.</summary>
    public virtual string? PathModel => null;

    /// <summary>The most output the request allows, for worst-case budget holds and rate limits; null when it sets none.</summary>
    public virtual int? MaxOutputTokens(JsonObject body) => (int?)(body["max_completion_tokens"] ?? body["max_tokens"]);

    /// <summary>Fields a translation to another dialect's upstream would drop (refused when strict translation is on).</summary>
    public virtual IReadOnlyList<string> Unmapped(JsonObject body) => [];

    /// <summary>
    /// What is wrong with the body beyond its model, by the dialect's validator (every field named); empty when
    /// nothing is. Runs for every request before routing, whatever the upstream: a passthrough body is not read again.
    /// </summary>
    public abstract IReadOnlyList<FieldProblem> Validate(JsonObject body);

    /// <summary>Readies the upstream bodies for the targets the request may reach, or refuses it.</summary>
    public abstract Refusal? Prepare(JsonObject body, IReadOnlyList<(RouteTarget Target, Provider Provider)> targets);

    /// <summary>The upstream request for one attempt (each attempt gets a fresh one).</summary>
    public abstract HttpRequestMessage Build(Provider provider, RouteTarget target, UpstreamKey key);

    /// <summary>The status an upstream error of another dialect is answered with (the same, unless the dialect has a better one).</summary>
    public virtual int ErrorStatus(int upstreamStatus) => upstreamStatus;

    /// <summary>
    /// A relayed stream as the record sees it: 502 when the upstream broke off, 504 when it stalled, 499 when
    /// the client left; with no usage reported, the gateway's estimate stands for the prompt and the text
    /// seen for the output.
    /// </summary>
    protected static Relayed Streamed(SseForwarder.Result relayed, int estimatedTokens) => new(
        relayed.End switch
        {
            RelayEnd.Completed => 200,
            RelayEnd.UpstreamBroke => 502,
            RelayEnd.UpstreamStalled => 504,
            RelayEnd.ClientLeft => 499,
            _ => throw new ArgumentOutOfRangeException(nameof(relayed), relayed.End, "a relay end without a status"),
        },
        relayed.Usage ?? new ChatUsage(estimatedTokens, relayed.EstimatedCompletionTokens, 0), relayed.Usage is null, relayed.TimeToFirstTokenMs, relayed.End);

    /// <summary>The usage an answer passed through as it came reports, read in its dialect; null when it has none or is not JSON.</summary>
    protected static ChatUsage? ReportedUsage(byte[] answer, Func<JsonElement, ChatUsage?> read)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Sends the upstream's answer to the client, translated or as it came.</summary>
    /// <param name="estimatedTokens">The gateway's estimate of the request (prompt bytes / 4 plus the output cap), standing in when a stream reports no usage.</param>
    public abstract Task<Relayed> RelayAsync(HttpContext context, CallResult.Served success, int estimatedTokens, Stopwatch clock, CancellationToken ct);
}
