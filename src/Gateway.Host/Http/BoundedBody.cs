using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Host.Http;

/// <summary>
/// Reads a request body up to a limit. A body over it is refused, but first read to its end and thrown
/// away (up to twice the server's own limit in all, for at most <see cref="DrainTime"/>): a server
/// that answers and closes while the client is still sending makes the kernel reset the connection, and
/// the client then sees the reset instead of the answer. A client waiting for <c>100 Continue</c> has sent
/// nothing yet and is answered at once; so is one whose Content-Length says draining would not end in time.
/// </summary>
internal static class BoundedBody
{
    public static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(10);

    /// <returns>The body, or null when it is larger than <paramref name="limit"/> bytes.</returns>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        var drainable = MakeRoomToDrain(request.HttpContext, limit);
        if (request.ContentLength > limit)
        {
            await DrainAsync(request, canFinish: request.ContentLength <= drainable, ct);
            return null;
        }

        // Sized to the Content-Length when there is one (one more byte sees the end), so a small body
        // costs a small array; a body of unknown length grows from 16 KiB as it comes.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(), ct);
            if (read == 0)
                return buffer.WrittenMemory;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                await DrainAsync(request, canFinish: true, ct);
                return null;
            }
        }
    }

    /// <summary>
    /// Raises this request's server limit (Kestrel refuses to read past it, and the connection then ends in a
    /// reset) to twice the server's own, the most of an oversize body that is drained; returns that size.
    /// </summary>
    private static long MakeRoomToDrain(HttpContext context, long limit)
    {
        var size = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var drainable = 2 * Math.Max(limit, size?.MaxRequestBodySize ?? limit);
        if (size is { IsReadOnly: false })
            size.MaxRequestBodySize = drainable;
        return drainable;
    }

    /// <param name="canFinish">False when the body is known to be larger than what is drained.</param>
    private static async Task DrainAsync(HttpRequest request, bool canFinish, CancellationToken ct)
    {
        var waiting = request.Headers.Expect.Any(e => string.Equals(e, "100-continue", StringComparison.OrdinalIgnoreCase));
        if (waiting)
            return;
        if (canFinish && await DiscardRestAsync(request.Body, ct))
            return;
        // The rest stays unread: tell the client the connection ends with this answer.
        request.HttpContext.Response.Headers.Connection = "close";
    }

    /// <returns>Whether the body was read to its end.</returns>
    private static async Task<bool> DiscardRestAsync(Stream body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(DrainTime);
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await body.ReadAsync(scratch, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        catch (BadHttpRequestException)
        {
            // Past what is drained: Kestrel closes the connection after the answer.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
