using Gateway.Domain.Chat;

namespace Gateway.Host.Features.Dialects;

/// <summary>
/// Why a request is answered without an upstream answer (unreadable, not allowed, over a limit or a budget, not served
/// by any provider), written in the client's dialect by <see cref="DialectErrors"/>.
/// </summary>
/// <param name="Code">Machine-readable reason, e.g. <c>budget_exceeded</c>.</param>
/// <param name="Fields">The request fields at fault, when it is about some (OpenAI's <c>param</c>, Google's field violations).</param>
/// <param name="RetryAfterSeconds">When a retry may succeed, for a refusal that is not final: sent as <c>Retry-After</c>.</param>
internal sealed record Refusal(int Status, string Code, string Message, IReadOnlyList<FieldProblem>? Fields = null, int? RetryAfterSeconds = null)
{
    public static Refusal InvalidRequest(string message, IReadOnlyList<FieldProblem>? fields = null) => new(400, "invalid_request_error", message, fields);
}
