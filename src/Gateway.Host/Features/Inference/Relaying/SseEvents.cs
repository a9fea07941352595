namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>Where server-sent events end in the bytes of a stream, whatever line endings the upstream frames them with.</summary>
internal static class SseEvents
{
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
