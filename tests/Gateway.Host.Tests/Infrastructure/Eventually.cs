using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Host.Tests.Infrastructure;

/// <summary>
/// The one way a test waits for what happens in the background (a record written after its answer, a
/// change reaching another instance, a job's run): it asks again, briefly apart, until the answer is the
/// one awaited, and fails naming what never happened and the last answer it saw. The bound is on the real
/// clock whatever clock the gateway runs on, and only a bound: a test returns as soon as the thing happens.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);
    private const int LongestDescription = 2000;

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> holds of its answer, and returns that answer.</summary>
    /// <param name="what">What is awaited, as the failure names it: "waited 30 s for {what}; last seen: ...".</param>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var limit = within ?? DefaultWithin;
        var clock = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            var seen = await probe();
            if (done(seen))
                return seen;
            if (clock.Elapsed >= limit)
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"waited {limit.TotalSeconds:0.#} s for {what}") + (seen is bool ? "" : $"; last seen: {Describe(seen)}"));
            // The poller's pause between two questions is the only real wait of the suite: it lets the
            // background work run, and nothing depends on its length.
            await Task.Delay(pause, TimeProvider.System, TestContext.Current.CancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    public static Task<T> Until<T>(Func<T> probe, Func<T, bool> done, string what, TimeSpan? within = null) =>
        Until(() => Task.FromResult(probe()), done, what, within);

    /// <summary>Asks until <paramref name="done"/> answers true.</summary>
    public static Task Until(Func<Task<bool>> done, string what, TimeSpan? within = null) =>
        Until(done, d => d, what, within);

    private static string Describe(object? seen)
    {
        var text = seen switch
        {
            null => "nothing",
            string s => s,
            JsonNode node => node.ToJsonString(),
            IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(Describe))}]",
            _ => Convert.ToString(seen, CultureInfo.InvariantCulture) ?? seen.GetType().Name,
        };
        return text.Length <= LongestDescription ? text : text[..LongestDescription] + "...";
    }
}
