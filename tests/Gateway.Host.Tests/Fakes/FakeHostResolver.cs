using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gateway.Tools.Outbound;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// The outbound guard's resolver as a test scripts it: a name answers what the test said, a series of
/// answers is given out one lookup at a time (the last one kept), any other name does not resolve,
/// and nothing ever reaches DNS.
/// </summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, (IPAddress[][] Answers, int Next)> _names = new(StringComparer.Ordinal);

    /// <summary>Every name looked up, in order.</summary>
    public ConcurrentQueue<string> Lookups { get; } = new();

    /// <summary>From now on <paramref name="host"/> resolves to these addresses.</summary>
    public void Answer(string host, params string[] addresses) => AnswerInTurn(host, addresses);

    /// <summary>The first lookup gets the first answer, the next the second, and so on; the last one stays.</summary>
    public void AnswerInTurn(string host, params string[][] answers) =>
        _names[host] = ([.. answers.Select(a => a.Select(IPAddress.Parse).ToArray())], 0);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        Lookups.Enqueue(host);
        if (!_names.TryGetValue(host, out var entry))
            throw new SocketException((int)SocketError.HostNotFound);
        _names[host] = (entry.Answers, entry.Next + 1);
        return Task.FromResult(entry.Answers[Math.Min(entry.Next, entry.Answers.Length - 1)]);
    }
}
