using System.Text.Json;
using Gateway.Domain.Chat;
using Gateway.Domain.Chat.OpenAI;
using Gateway.Host.Features.Budgets;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.Inference.Looping;
using Gateway.Host.Features.Inference.Relaying;
using Gateway.Host.Features.Upstreams;
using Gateway.Host.Features.Usage;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// A request that runs as a loop (<see cref="IChatLoop"/>): the model is called, its whole answer read in canonical
/// form, and called again for as long as the loop says. Each call is admitted to the key's rate limits and the budgets
/// before it is sent (the first by the run's own steps), rotated and fallen back like any call, and settled, charged
/// and recorded as a record of its own before the next is admitted, so a loop can never spend past a budget. A stream
/// opens when the first call is served (so a first call that fails still gets its status) and stays open across the
/// calls, with keep-alive frames while the loop waits; a refusal or failure after it opened ends it with the dialect's
/// error event. A whole answer is written once, when the loop stops, with every call's usage summed.
/// </summary>
internal sealed partial class InferenceRunner
{
    /// <summary>A loop that never stops is a bug in the loop: past this many calls the run ends it.</summary>
    public const int MaxLoopCalls = 100;

    private async Task LoopAsync(InferenceRun run, ChatDialect dialect, IChatLoop loop)
    {
        await using var _ = loop;
        var response = run.Context.Response;
        var aborted = run.Context.RequestAborted;
        var request = loop.Begin(dialect.Canonical! with { Stream = dialect.Stream });
        var writer = dialect.Stream ? dialect.NewEventWriter() : null;
        var stream = new LoopStream();
        var shown = new List<ChatPart>();
        var total = ChatUsage.None;
        ChatResponse? last = null;
        for (var calls = 1; ; calls++)
        {
            if (calls > 1 && await AdmitNextCallAsync(run, request, calls) is { } refused)
            {
                await EndLoopAsync(run, dialect, writer, refused);
                return;
            }

            // Only the first call may pass through: later ones carry the loop's tool calls, which only the loop can answer.
            var passedThrough = calls == 1 ? loop.PassedThrough : null;
            CallResult result;
            await using (Waiting(run, writer))
            {
                result = await caller.CallAsync(
                    run.Targets, registry.Providers, (p, t, k) => p.Kind == passedThrough ? run.Request(p, t, k) : p.Protocol.Chat(p, t, k, request),
                    run.Principal.KeyId, run.Estimate, dialect.Stream, aborted);
            }

            var answer = await result.Match(
                async served =>
                {
                    if (served.Provider.Kind != passedThrough)
                        return await LoopCallAsync(run, dialect, loop, writer, stream, served);
                    await ServeAsync(run, served, run.Record());
                    return null;
                },
                async failed =>
                {
                    await EndLoopAsync(run, dialect, writer, failed);
                    BudgetLedger.Release(run.Admission);
                    log.Record(run.Record().Finish(failed.Status, run.Clock, failed.Attempts, failed.Provider.Name, failed.Target.Model));
                    return null;
                },
                async exhausted =>
                {
                    await EndLoopAsync(run, dialect, writer, exhausted);
                    BudgetLedger.Release(run.Admission);
                    log.Record(run.Record().Finish(429, run.Clock, exhausted.Attempts));
                    return null;
                });
            if (answer is null)
                return;
            last = answer;
            total = Sum(total, answer.Usage);
            shown.AddRange(answer.Parts.Where(p => p is not ToolCallPart call || !loop.Holds(call.Name)));

            LoopStep step;
            await using (Waiting(run, writer))
                step = await loop.NextAsync(request, answer, calls, aborted);
            shown.AddRange(step.Shown);
            if (writer is not null)
                await WriteFramesAsync(response, step.Shown.SelectMany(p => Deltas(p, stream)).SelectMany(writer.Write));
            if (step is LoopStep.Continue again && calls < MaxLoopCalls)
            {
                request = again.Next with { Stream = dialect.Stream };
                continue;
            }

            if (step is LoopStep.Refused { Refusal: var refusal })
            {
                await EndLoopAsync(run, dialect, writer, refusal);
                return;
            }

            if (step is LoopStep.Continue)
            {
                await EndLoopAsync(run, dialect, writer, new Refusal(500, "loop_limit", $"the request's loop made {MaxLoopCalls} model calls without an answer, and was stopped"));
                return;
            }

            var finish = step is LoopStep.Stop { Finish: { } stopped } ? stopped : last.FinishReason;
            await CompleteLoopAsync(response, dialect, writer, last with { Parts = shown, Usage = total, FinishReason = finish });
            return;
        }
    }

    /// <summary>
    /// Relays one served call of the loop (a stream's deltas on to the client, but for what the loop holds; a whole
    /// answer read, not sent), settles and records it; null when the run ended with it (the client left, the upstream
    /// broke off or sent what cannot be read).
    /// </summary>
    private async Task<ChatResponse?> LoopCallAsync(InferenceRun run, ChatDialect dialect, IChatLoop loop, IChatEventWriter? writer, LoopStream stream, CallResult.Served served)
    {
        await using var answer = served;
        var record = run.Record();
        var response = run.Context.Response;
        try
        {
            if (writer is null)
                return await ReadWholeAsync(run, dialect, served, record);
            if (!response.HasStarted)
            {
                response.StatusCode = served.Status;
                response.ContentType = dialect.AnswerContentType(null);
                response.Headers.CacheControl = "no-cache";
                // Sent now, not with the first frame: a dialect without a start event of its own (Gemini) would otherwise
                // show nothing while the loop runs a call it holds, and get no keep-alives until the answer's text.
                await response.StartAsync(run.Context.RequestAborted);
            }

            var callWriter = new LoopCallWriter(writer, loop, stream);
            var events = new TranslatedEvents(served.Provider.Protocol.NewEventReader(), callWriter);
            var relayed = await Relay.StreamAsync(served.Body, response, events, run.Estimate, run.Clock, run.Context.RequestAborted);
            // The relay's stream is one call's; the client's stays open until the loop stops.
            OpenStream.Begin(response, events.Failure);
            Finish(run, served, relayed, record);
            return relayed.End == RelayEnd.Completed ? callWriter.Answer.ToResponse(relayed.Usage ?? ChatUsage.None) : null;
        }
        catch
        {
            // InferenceFaults answers the client.
            Abandon(run, served, record);
            throw;
        }
    }

    /// <summary>A whole answer of the loop's, read into canonical form rather than relayed: the client gets one answer at the end.</summary>
    private async Task<ChatResponse?> ReadWholeAsync(InferenceRun run, ChatDialect dialect, CallResult.Served served, InferenceRecordBuilder record)
    {
        using var buffered = new MemoryStream();
        ChatResponse answer;
        try
        {
            await served.Body.CopyToAsync(buffered, run.Context.RequestAborted);
            using var document = JsonDocument.Parse(buffered.ToArray());
            answer = served.Provider.Protocol.ReadAnswer(document.RootElement);
        }
        catch (OperationCanceledException) when (run.Context.RequestAborted.IsCancellationRequested)
        {
            Finish(run, served, new RelayResult(RelayEnd.ClientLeft, null, true, null), record);
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            Finish(run, served, new RelayResult(RelayEnd.UpstreamBroke, null, true, null), record);
            await DialectErrors.WriteAsync(run.Context, dialect.Wire, 502, "upstream_unreadable", $"the upstream's answer could not be read ({e.GetType().Name})");
            return null;
        }

        Finish(run, served, new RelayResult(RelayEnd.Completed, answer.Usage, false, run.Clock.Elapsed.TotalMilliseconds), record);
        return answer;
    }

    /// <summary>A later call's admission: the key's rate limits and the budgets, at the size of the prompt it now carries.</summary>
    private async Task<Refusal?> AdmitNextCallAsync(InferenceRun run, ChatRequest request, int calls)
    {
        run.NextCall(time.GetUtcNow());
        var promptBytes = OpenAIChatRequestWriter.Write(request, request.Model).ToJsonString().Length;
        run.Estimate = promptBytes / 4 + (request.MaxTokens ?? 0);
        if (await LimitCallAsync(run) is { } limited)
            return limited with { Message = $"{limited.Message} (before model call {calls} of this request)" };
        var admitted = await spending.AdmitAsync(run.Principal, run.Targets, promptBytes, request.MaxTokens, run.StartedAt, run.Context.RequestAborted);
        if (admitted.Refused(out var refusal, out var admission))
            return refusal with { Message = $"{refusal.Message} (before model call {calls} of this request; the calls before it are recorded and charged)" };
        run.Admission = admission;
        return null;
    }

    /// <summary>Keep-alives while a streaming loop waits on something other than the upstream's bytes; nothing for a whole answer.</summary>
    private KeepAlive? Waiting(InferenceRun run, IChatEventWriter? writer) =>
        writer is not null && run.Context.Response.HasStarted ? KeepAlive.Start(run.Context.Response, writer.KeepAlive, time) : null;

    private static async Task EndLoopAsync(InferenceRun run, ChatDialect dialect, IChatEventWriter? writer, CallResult.Failed failed)
    {
        if (!run.Context.Response.HasStarted)
        {
            await AnswerAsync(run.Context, dialect, failed);
            return;
        }

        var error = failed.Provider.Protocol.ReadError(failed.Body);
        await EndLoopAsync(run, dialect, writer, new Refusal(DialectErrors.StatusOf(dialect.Wire, failed.Status), error.Code, error.Message));
    }

    private async Task EndLoopAsync(InferenceRun run, ChatDialect dialect, IChatEventWriter? writer, CallResult.Exhausted exhausted)
    {
        if (!run.Context.Response.HasStarted)
        {
            await AnswerAsync(run.Context, dialect, exhausted);
            return;
        }

        await EndLoopAsync(run, dialect, writer, new Refusal(429, "all_keys_exhausted",
            $"every upstream key for '{dialect.Model}' is rate limited, out of quota or disabled ({exhausted.Reason})"));
    }

    /// <summary>Before the stream opened, the refusal is the answer; after, the stream ends with the dialect's error event.</summary>
    private static async Task EndLoopAsync(InferenceRun run, ChatDialect dialect, IChatEventWriter? writer, Refusal refusal)
    {
        var response = run.Context.Response;
        if (writer is null || !response.HasStarted)
        {
            await DialectErrors.WriteAsync(run.Context, dialect.Wire, refusal);
            return;
        }

        OpenStream.End(response);
        await WriteFramesAsync(response, [writer.Failure(refusal.Status, refusal.Code, refusal.Message)]);
    }

    /// <summary>The loop stopped: a stream gets the run's finish with every call's usage, a whole answer is written once.</summary>
    /// <summary>The loop's answer to the client, whole or as the stream's last frames; kept first by a dialect that keeps its answers.</summary>
    private static async Task CompleteLoopAsync(HttpResponse response, ChatDialect dialect, IChatEventWriter? writer, ChatResponse answer)
    {
        var aborted = response.HttpContext.RequestAborted;
        if (writer is null)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = dialect.AnswerContentType(null);
            var body = JsonSerializer.SerializeToUtf8Bytes(dialect.WriteAnswer(answer));
            if (dialect.Keeper is { } keeper)
                await keeper.KeepAnswerAsync(body, aborted);
            await response.Body.WriteAsync(body, aborted);
            return;
        }

        OpenStream.End(response);
        string[] frames = [.. writer.Write(new StreamFinished(answer.FinishReason, answer.Usage)), .. writer.Complete(answer.Usage)];
        if (dialect.Keeper is not { } streamKeeper)
        {
            await WriteFramesAsync(response, frames);
            return;
        }

        await response.Body.WriteAsync(await Relay.KeptEndingAsync(streamKeeper, System.Text.Encoding.UTF8.GetBytes(string.Concat(frames)), aborted), aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static async Task WriteFramesAsync(HttpResponse response, IEnumerable<string> frames)
    {
        var wrote = false;
        foreach (var frame in frames)
        {
            await response.WriteAsync(frame, response.HttpContext.RequestAborted);
            wrote = true;
        }

        if (wrote)
            await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    /// <summary>A part the loop shows the client mid-stream, as the deltas a stream carries it in; tool calls numbered across the run.</summary>
    private static IEnumerable<ChatDelta> Deltas(ChatPart part, LoopStream stream)
    {
        switch (part)
        {
            case TextPart text:
                yield return new TextDelta(text.Text);
                break;
            case ThinkingPart thinking:
                yield return new ThinkingDelta(thinking.Text);
                break;
            case ToolCallPart call:
                var index = stream.NextToolCallIndex();
                yield return new ToolCallStarted(index, call.Id, call.Name, call.Signature);
                yield return new ToolCallArgumentsDelta(index, call.ArgumentsJson);
                break;
            case ServerToolCallPart serverCall:
                yield return new ServerToolCallDelta(stream.NextToolCallIndex(), serverCall);
                break;
            case ServerToolResultPart serverResult:
                yield return new ServerToolResultDelta(serverResult);
                break;
        }
    }

    private static ChatUsage Sum(ChatUsage a, ChatUsage b) => new(
        a.PromptTokens + b.PromptTokens, a.CompletionTokens + b.CompletionTokens, a.CachedTokens + b.CachedTokens,
        a.CacheWrite5mTokens + b.CacheWrite5mTokens, a.CacheWrite1hTokens + b.CacheWrite1hTokens);
}
