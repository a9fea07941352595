namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>Where server-sent events end in the bytes of a stream, whatever line endings the upstream frames them with.</summary>
internal static class SseEvents
{
    /// <summary>The payload of an event's first <c>data:</c> line, without its line ending; empty when it has none.</summary>
    public static ReadOnlyMemory<byte> Data(ReadOnlyMemory<byte> sseEvent)
    {
        var start = sseEvent.Span.IndexOf("data: "u8);
        if (start < 0)
            return default;
        var payload = sseEvent[(start + 6)..];
        var end = payload.Span.IndexOf((byte)'\n');
        payload = end < 0 ? payload : payload[..end];
        while (payload.Length > 0 && payload.Span[^1] is (byte)'\r' or (byte)'\n')
            payload = payload[..^1];
        return payload;
    }

    /// <summary>
    /// The length of the first complete event, through the blank line that ends it (<c>\n\n</c>, or <c>\r\n\r\n</c>,
    /// whose second half is <c>\n\r\n</c>); -1 while it is not complete.
    /// </summary>
    public static int End(ReadOnlySpan<byte> bytes)
    {
        for (var from = 0; ;)
        {
            var newline = bytes[from..].IndexOf((byte)'\n');
            if (newline < 0)
                return -1;
            var i = from + newline;
            if (i + 1 < bytes.Length && bytes[i + 1] == '\n')
                return i + 2;
            if (i + 2 < bytes.Length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n')
                return i + 3;
            from = i + 1;
        }
    }
}
