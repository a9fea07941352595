using System.Globalization;
using System.Text.Json;

namespace Gateway.Domain.Upstreams;

/// <summary>
/// Reads an upstream error (status, Retry-After, body) into an <see cref="UpstreamFailure"/>. Gemini
/// 429s name their quota: a <c>quotaId</c> containing <c>PerDay</c> means the daily quota is spent, whatever
/// <c>RetryInfo.retryDelay</c> says (it suggests seconds for a quota that returns at midnight Pacific).
/// </summary>
public static class FailureClassifier
{
    private static readonly string[] ContextLengthMarkers =
    [
        "context_length_exceeded", "maximum context length", "context window", "prompt is too long",
        "input token count", "exceeds the maximum number of tokens", "too many tokens",
    ];

    /// <param name="retryAfterHeader">The Retry-After header, seconds or an HTTP date, when sent.</param>
    public static UpstreamFailure Classify(int status, string? retryAfterHeader, string? body, DateTimeOffset now)
    {
        var retryAfter = ParseRetryAfter(retryAfterHeader, now);
        var message = ErrorMessage(body);
        switch (status)
        {
            case 429:
                return ClassifyRateLimit(body, retryAfter, message);
            case 401 or 403:
                return new UpstreamFailure(FailureKind.KeyRejected, null, null, $"upstream answered {status}: {message}");
            case 408 or 409 or 425:
                return new UpstreamFailure(FailureKind.Transient, retryAfter, null, $"upstream answered {status}: {message}");
            case >= 500:
                // 529 is Anthropic's "overloaded"; 503 often carries Retry-After.
                return new UpstreamFailure(FailureKind.Transient, retryAfter, null, $"upstream answered {status}: {message}");
            case 400 or 413 when ContextLengthMarkers.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase)):
                return new UpstreamFailure(FailureKind.ContextLength, null, null, message);
            default:
                return new UpstreamFailure(FailureKind.BadRequest, null, null, $"upstream answered {status}: {message}");
        }
    }

    /// <summary>Retry-After as delta-seconds or an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? ParseRetryAfter(string? header, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        if (double.TryParse(header, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at > now
            ? at - now
            : null;
    }

    private static UpstreamFailure ClassifyRateLimit(string? body, TimeSpan? retryAfter, string message)
    {
        TimeSpan? retryDelay = null;
        string? quotaId = null;
        string? model = null;
        if (TryParse(body, out var root) && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                var type = detail.TryGetProperty("@type", out var t) ? t.GetString() ?? "" : "";
                if (type.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) && detail.TryGetProperty("retryDelay", out var delay))
                    retryDelay = ParseDuration(delay.GetString());
                if (type.EndsWith("google.rpc.QuotaFailure", StringComparison.Ordinal) && detail.TryGetProperty("violations", out var violations))
                {
                    foreach (var violation in violations.EnumerateArray())
                    {
                        var id = violation.TryGetProperty("quotaId", out var q) ? q.GetString() : null;
                        // A daily violation outranks a per-minute one reported beside it.
                        if (quotaId is null || id?.Contains("PerDay", StringComparison.Ordinal) == true)
                        {
                            quotaId = id;
                            model = violation.TryGetProperty("quotaDimensions", out var dims) && dims.TryGetProperty("model", out var m) ? m.GetString() : model;
                        }
                    }
                }
            }
        }

        if (quotaId?.Contains("PerDay", StringComparison.Ordinal) == true)
            return new UpstreamFailure(FailureKind.DailyQuotaExhausted, null, model, $"daily quota {quotaId} exhausted");
        var detailText = quotaId is null ? $"rate limited: {message}" : $"rate limited ({quotaId})";
        return new UpstreamFailure(FailureKind.RateLimited, retryAfter ?? retryDelay, model, detailText);
    }

    /// <summary>google.protobuf.Duration in JSON: "43s", "1.5s".</summary>
    private static TimeSpan? ParseDuration(string? value) =>
        value is { Length: > 1 } && value.EndsWith('s')
        && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>The human message of an OpenAI, Anthropic or Google error body, trimmed; never the whole body.</summary>
    private static string ErrorMessage(string? body)
    {
        if (TryParse(body, out var root) && root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                return Trim(message.GetString()!);
            if (error.ValueKind == JsonValueKind.String)
                return Trim(error.GetString()!);
        }

        return string.IsNullOrWhiteSpace(body) ? "no error body" : Trim(body);
    }

    private static string Trim(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static bool TryParse(string? body, out JsonElement root)
    {
        root = default;
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
            return false;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
