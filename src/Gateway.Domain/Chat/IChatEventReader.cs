using System.Text.Json;

namespace Gateway.Domain.Chat;

/// <summary>
/// Reads one upstream dialect's event stream, event by event, into canonical deltas (the upstream side of a
/// stream). One instance per stream: dialects number content blocks or hold a finish back, so readers keep state.
/// </summary>
public interface IChatEventReader
{
    /// <param name="eventType">The SSE event name; empty when the dialect names none.</param>
    IEnumerable<ChatDelta> Read(string eventType, JsonElement data);

    /// <summary>What the end of the stream itself says (a finish held back for a usage chunk that never came).</summary>
    IEnumerable<ChatDelta> Complete();
}
