using System.Diagnostics;
using Gateway.Domain.Upstreams;
using Gateway.Host.Features.Providers;
using Gateway.Host.Features.Upstreams.Sharing;
using Gateway.Host.Features.Usage;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// Sends one request upstream, walking the fallback chain and each provider's key pool: a first
/// transient failure is retried on the same key, rate limits and rejected keys move on to another key,
/// errors of the request itself come back at once. Returns before any byte reaches the client, so every
/// retry here is invisible to it. The provider's timeout bounds each attempt until its headers for a
/// stream and until its last byte for any other answer, which is read whole here: an upstream that
/// stalls mid-body is retried like one that never answered. A stream's body then has the provider's
/// idle timeout instead (<see cref="IdleTimeoutStream"/>), as a generation may rightly run for long.
/// </summary>
/// <param name="verdicts">What a failure taught about a key, on its way to the other instances.</param>
/// <param name="quotas">Leases shares of the windows keys share with other instances; null: every pool counts on its own.</param>
internal sealed class UpstreamCaller(UpstreamHttp http, PoolVerdictQueue verdicts, TimeProvider time, SharedQuotas? quotas = null)
{
    private const int MaxErrorBody = 64 * 1024;

    /// <param name="build">Makes the upstream request for a target and key (each attempt gets a fresh one).</param>
    /// <param name="stream">Whether the answer is an event stream, relayed as it comes, rather than read whole.</param>
    public async Task<CallResult> CallAsync(
        IReadOnlyList<RouteTarget> targets, IReadOnlyDictionary<string, Provider> providers,
        Func<Provider, RouteTarget, UpstreamKey, HttpRequestMessage> build, string? stickyKey, int estimatedTokens, bool stream, CancellationToken ct)
    {
        var attempts = new List<AttemptRecord>();
        DateTimeOffset? retryAt = null;
        var reasons = new List<string>();
        foreach (var target in targets)
        {
            var provider = providers[target.Provider];
            var tried = new HashSet<string>();
            var failuresOnKey = new Dictionary<string, int>();
            string? retryKey = null;
            var leaseRounds = 0;
            while (attempts.Count < provider.MaxAttempts)
            {
                // A retry on the same key excludes every other key, so it is that key or nothing.
                var exclude = retryKey is null ? tried : [.. provider.Keys.Keys.Where(k => k != retryKey)];
                var selection = provider.Pool.Acquire(target.Model, time.GetUtcNow(), exclude, stickyKey, estimatedTokens);
                if (selection.Wants is { } wants && quotas is not null && leaseRounds++ < SharedQuotas.LeaseRounds)
                {
                    await quotas.LeaseAsync(wants, (want, grant) => provider.Pool.Granted(want, grant, time.GetUtcNow()), ct);
                    continue;
                }

                if (selection.Lease is null)
                {
                    if (retryKey is not null)
                    {
                        tried.Add(retryKey);
                        retryKey = null;
                        continue;
                    }

                    reasons.Add($"{target}: {selection.Reason ?? "its keys' shares of their limits shared across instances could not be leased"}");
                    // Shares still leasing after every round: other requests took each grant first; a moment later they will not.
                    var at = selection.RetryAt ?? (selection.Wants is not null ? time.GetUtcNow().AddSeconds(1) : null);
                    if (at is not null && (retryAt is null || at < retryAt))
                        retryAt = at;
                    break;
                }

                retryKey = null;
                var lease = selection.Lease;
                var key = provider.Keys[lease.KeyId];
                var clock = Stopwatch.StartNew();
                using var timeout = new CancellationTokenSource(provider.Timeout, time);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                HttpResponseMessage? response = null;
                UpstreamFailure failure;
                try
                {
                    // The body is sent by the time the headers are back: disposing it then leaves the response readable.
                    using var request = build(provider, target, key);
                    response = await http.SendAsync(provider, request, deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        Stream answer;
                        if (stream)
                        {
                            answer = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(deadline.Token), provider.StreamIdleTimeout, time, ct);
                        }
                        else
                        {
                            await response.Content.LoadIntoBufferAsync(deadline.Token);
                            answer = await response.Content.ReadAsStreamAsync(deadline.Token);
                        }

                        attempts.Add(new AttemptRecord(provider.Name, key.Id, (int)response.StatusCode, "ok", null, clock.Elapsed.TotalMilliseconds));
                        return new CallResult.Served(response, answer, provider, target, key, lease, attempts);
                    }

                    var body = await ReadBoundedAsync(response, deadline.Token);
                    failure = FailureClassifier.Classify(
                        (int)response.StatusCode, response.Headers.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null,
                        System.Text.Encoding.UTF8.GetString(body), time.GetUtcNow());
                    if (RetryPolicy.After(failure, failuresOnKey.GetValueOrDefault(key.Id) + 1) == NextStep.Answer)
                    {
                        Fail(provider, lease, failure);
                        attempts.Add(Record(provider, key, (int)response.StatusCode, failure, clock));
                        var failed = new CallResult.Failed((int)response.StatusCode, body, response.Content.Headers.ContentType?.ToString(), provider, target, attempts);
                        response.Dispose();
                        return failed;
                    }

                    response.Dispose();
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    response?.Dispose();
                    provider.Pool.Abandon(lease);
                    throw;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    response?.Dispose();
                    failure = new UpstreamFailure(
                        FailureKind.Transient, null, null,
                        e is not OperationCanceledException ? $"connection failed: {e.Message}"
                        : response is null || stream ? $"no response within {provider.Timeout.TotalSeconds:0} s"
                        : $"the answer did not finish within {provider.Timeout.TotalSeconds:0} s");
                }

                Fail(provider, lease, failure);
                attempts.Add(Record(provider, key, response is null ? null : (int)response.StatusCode, failure, clock));
                failuresOnKey[key.Id] = failuresOnKey.GetValueOrDefault(key.Id) + 1;
                if (RetryPolicy.After(failure, failuresOnKey[key.Id]) == NextStep.RetrySameKey)
                    retryKey = key.Id;
                else
                    tried.Add(key.Id);
            }

            if (attempts.Count >= provider.MaxAttempts)
                reasons.Add($"{target}: gave up after {provider.MaxAttempts} attempts");
        }

        return new CallResult.Exhausted(retryAt, string.Join("; ", reasons), attempts);
    }

    /// <summary>Counts a refusal against the key, and hands what it taught about the key on to the other instances.</summary>
    /// <param name="tokens">What the upstream produced before it failed (a stream that stalled).</param>
    public void Fail(Provider provider, PoolLease lease, UpstreamFailure failure, int tokens = 0)
    {
        if (provider.Pool.Fail(lease, failure, time.GetUtcNow(), tokens) is { } verdict)
            verdicts.Add(provider.Name, verdict);
    }

    private static AttemptRecord Record(Provider provider, UpstreamKey key, int? status, UpstreamFailure failure, Stopwatch clock) =>
        new(provider.Name, key.Id, status, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(failure.Kind.ToString()), failure.Detail, clock.Elapsed.TotalMilliseconds);

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxErrorBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
            total += read;
        return buffer[..total];
    }
}
