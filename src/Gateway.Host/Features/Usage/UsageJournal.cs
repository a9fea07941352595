using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Host.Http;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Host.Features.Usage;

/// <summary>
/// Usage records on local disk before they reach PostgreSQL: each request's record is written to the
/// open segment at once (a positioned write; no lock is held while writing), so a killed process loses nothing the kernel
/// has. The writer seals the segment every tick and feeds sealed segments to the database, deleting
/// each only once it is stored; while the database is unreachable they simply wait here (the spool). Instances that
/// share the folder each store their own segments, and those of an instance no longer running.
/// A segment this journal wrote is fed from the records it keeps in memory beside the file, so the disk
/// is read back (and the JSON parsed) only for what a killed or stopped process left behind.
/// </summary>
internal sealed class UsageJournal : IDisposable
{
    private const string Open = ".open";
    private const string Sealed = ".sealed";
    private const string Running = ".running";
    private readonly string _folder;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly Lock _rotation = new();
    private readonly ConcurrentDictionary<string, InferenceRecord[]> _sealedHere = new(StringComparer.Ordinal);
    private readonly SafeFileHandle _running;
    private Segment _current;
    private long _sequence;

    public UsageJournal(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        // Locked as the open segments are, for as long as this journal runs: while it does, its segments are its own to store.
        _running = File.OpenHandle(RunningPath(_instance), FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.DeleteOnClose);
        SealAbandoned();
        _current = NewSegment();
    }

    public string Folder => _folder;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _line;

    public void Append(InferenceRecord record)
    {
        var line = _line ??= new ArrayBufferWriter<byte>(4096);
        line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(line))
            JsonSerializer.Serialize(json, record, GatewayJson.Options);
        line.GetSpan(1)[0] = (byte)'\n';
        line.Advance(1);
        Segment segment;
        lock (_rotation)
        {
            segment = _current;
            Interlocked.Increment(ref segment.Writers);
        }

        try
        {
            var offset = Interlocked.Add(ref segment.Length, line.WrittenCount) - line.WrittenCount;
            RandomAccess.Write(segment.Handle, line.WrittenSpan, offset);
            segment.Records.Enqueue(record);
        }
        finally
        {
            Interlocked.Decrement(ref segment.Writers);
        }
    }

    /// <summary>Closes the open segment (if it holds anything) and starts a new one; returns sealed segments, oldest first.</summary>
    public IReadOnlyList<string> Seal()
    {
        Segment old;
        lock (_rotation)
        {
            old = _current;
            if (Interlocked.Read(ref old.Length) > 0)
                _current = NewSegment();
        }

        if (!ReferenceEquals(old, _current))
        {
            // Appends that took the old segment before the swap finish before it is closed.
            SpinWait.SpinUntil(() => Volatile.Read(ref old.Writers) == 0);
            old.Handle.Dispose();
            var sealedPath = Path.ChangeExtension(old.Path, Sealed);
            File.Move(old.Path, sealedPath);
            _sealedHere[sealedPath] = [.. old.Records];
        }

        var pending = Pending();
        // A segment gone from the folder (removed by hand) is forgotten.
        foreach (var path in _sealedHere.Keys)
        {
            if (!pending.Contains(path, StringComparer.Ordinal))
                _sealedHere.TryRemove(path, out _);
        }

        return pending;
    }

    /// <summary>
    /// Sealed segments waiting for this journal to store them, oldest first (names sort by time): its own, and those of
    /// journals no longer running. A running instance's segments are left to it: its budget ledger counts their spend as
    /// on its way to the database until its own writer has stored them, which another writer storing them would belie.
    /// </summary>
    public IReadOnlyList<string> Pending()
    {
        var running = new Dictionary<string, bool>(StringComparer.Ordinal);
        return [.. Directory.EnumerateFiles(_folder, "*" + Sealed)
            .Where(path => WriterOf(path) is not { } writer || writer == _instance || !IsRunning(running, writer))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The records of a sealed segment: from memory when this journal wrote it, else from disk.</summary>
    /// <param name="torn">Told how many lines were skipped, torn by a crash mid-write.</param>
    public IReadOnlyList<InferenceRecord> RecordsOf(string path, Action<int>? torn = null) =>
        _sealedHere.TryGetValue(path, out var records) ? records : Read(path, torn);

    /// <summary>Deletes a sealed segment whose records are all stored.</summary>
    public void Stored(string path)
    {
        File.Delete(path);
        _sealedHere.TryRemove(path, out _);
    }

    private static List<InferenceRecord> Read(string path, Action<int>? torn)
    {
        var records = new List<InferenceRecord>();
        var bad = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
                continue;
            try
            {
                records.Add(JsonSerializer.Deserialize<InferenceRecord>(line, GatewayJson.Options)!);
            }
            catch (JsonException)
            {
                bad++;
            }
        }

        if (bad > 0)
            torn?.Invoke(bad);
        return records;
    }

    public void Dispose()
    {
        _current.Handle.Dispose();
        _running.Dispose();
    }

    /// <summary>The journal that wrote a segment, from its name (<see cref="NewSegment"/>); null for a name of another shape.</summary>
    private static string? WriterOf(string path) =>
        Path.GetFileNameWithoutExtension(path).Split('-') is ["usage", _, var writer, _] ? writer : null;

    private bool IsRunning(Dictionary<string, bool> known, string writer)
    {
        if (known.TryGetValue(writer, out var running))
            return running;
        try
        {
            using (File.OpenHandle(RunningPath(writer), FileMode.Open, FileAccess.Write, FileShare.None))
                running = false;
            // Left behind by a process that was killed: no journal takes that name again.
            File.Delete(RunningPath(writer));
        }
        catch (FileNotFoundException)
        {
            running = false;
        }
        catch (IOException)
        {
            // Locked: that journal's process is alive.
            running = true;
        }

        return known[writer] = running;
    }

    private string RunningPath(string writer) => Path.Combine(_folder, $"usage-{writer}{Running}");

    private Segment NewSegment()
    {
        // Time first, so names sort oldest first across instances sharing the folder.
        var name = $"usage-{DateTime.UtcNow:yyyyMMddHHmmssfff}-{_instance}-{Interlocked.Increment(ref _sequence):D6}{Open}";
        var path = Path.Combine(_folder, name);
        // FileShare.None takes an exclusive lock that dies with the process: how a later start knows
        // an open segment was abandoned rather than still being written by a live instance.
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        return new Segment(path, handle);
    }

    private void SealAbandoned()
    {
        foreach (var path in Directory.EnumerateFiles(_folder, "*" + Open))
        {
            try
            {
                using (File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                }

                File.Move(path, Path.ChangeExtension(path, Sealed));
            }
            catch (IOException)
            {
                // Still locked: a live instance is writing it.
            }
        }
    }

    private sealed class Segment(string path, SafeFileHandle handle)
    {
        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = handle;

        public long Length;

        public int Writers;

        /// <summary>What was written, in memory until the segment is stored.</summary>
        public ConcurrentQueue<InferenceRecord> Records { get; } = new();
    }
}
