using System.Text;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>A streamed answer read as it arrives, for tests that act in the middle of a stream.</summary>
internal static class StreamedText
{
    /// <summary>Reads until <paramref name="seen"/> has arrived; returns all that was read. Fails if the stream ends first.</summary>
    /// <param name="within">A bound on each read, for a stream that might go silent before <paramref name="seen"/>.</param>
    public static async Task<string> ReadUntilAsync(Stream stream, string seen, TimeSpan? within = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains(seen, StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, ct).AsTask().WaitAsync(within ?? Eventually.DefaultWithin, ct);
            Assert.True(n > 0, $"the stream ended before {seen}: {received}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return received.ToString();
    }
}
