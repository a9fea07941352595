using Gateway.Tools.WebSearch.Extraction;

namespace Gateway.Tools.WebSearch.Fetching;

/// <summary>
/// Extracted pages kept for a short while, by URL (without its fragment): the same page found by two
/// searches of one conversation is fetched once. Bounded in age (an entry older than the limit is
/// never answered) and in size (the least recently used entry goes first); entries hold excerpts
/// already cut to the budget. Failures are not kept: the next search tries again.
/// </summary>
internal sealed class PageCache(int capacity, TimeSpan maxAge, TimeProvider time)
{
    private sealed record Entry(string Key, ExtractedPage Page, DateTimeOffset Stored);

    private readonly Dictionary<string, LinkedListNode<Entry>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
                return _index.Count;
        }
    }

    public ExtractedPage? Get(Uri url)
    {
        if (maxAge <= TimeSpan.Zero)
            return null;
        var key = Key(url);
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node))
                return null;
            if (time.GetUtcNow() - node.Value.Stored >= maxAge)
            {
                Remove(node);
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Page;
        }
    }

    public void Put(Uri url, ExtractedPage page)
    {
        if (maxAge <= TimeSpan.Zero)
            return;
        var key = Key(url);
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var old))
                Remove(old);
            _index[key] = _recent.AddFirst(new Entry(key, page, time.GetUtcNow()));
            while (_index.Count > capacity)
                Remove(_recent.Last!);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _index.Remove(node.Value.Key);
    }

    private static string Key(Uri url) => url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
}
