using Gateway.Host.Features.Usage;

namespace Gateway.Host.Tests.Features.Usage;

/// <summary>
/// Instances that share a data folder share its journal folder: each stores its own sealed segments, and those of an
/// instance that no longer runs, never those of one still running (whose budget ledger waits for its own writer).
/// </summary>
public sealed class UsageJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("usage-journal-").FullName;

    [Fact]
    public void Should_leave_a_running_journals_segments_to_it_and_take_them_once_it_has_stopped()
    {
        using var first = new UsageJournal(_folder);
        var second = new UsageJournal(_folder);
        first.Append(UsageTestBase.Record(DateTimeOffset.UtcNow, "org_a"));
        second.Append(UsageTestBase.Record(DateTimeOffset.UtcNow, "org_b"));

        var firstsOwn = first.Seal();
        var secondsOwn = second.Seal();
        var whileSecondRuns = first.Pending();
        second.Dispose();
        var onceSecondStopped = first.Pending();

        Assert.Single(firstsOwn);
        Assert.Single(secondsOwn);
        Assert.Equal(firstsOwn, whileSecondRuns);
        Assert.Equal([.. firstsOwn.Concat(secondsOwn).Order(StringComparer.Ordinal)], onceSecondStopped);
        // Its own segment from memory, the stopped one's read from disk.
        Assert.Equal(["org_a"], first.RecordsOf(firstsOwn[0]).Select(r => r.OrgId));
        Assert.Equal(["org_b"], first.RecordsOf(secondsOwn[0]).Select(r => r.OrgId));
    }

    [Fact]
    public void Should_take_the_segments_of_a_journal_killed_without_closing()
    {
        string[] killed;
        using (var dead = new UsageJournal(_folder))
        {
            dead.Append(UsageTestBase.Record(DateTimeOffset.UtcNow, "org_a"));
            killed = [.. dead.Seal()];
        }

        // A killed process leaves its running marker behind, unlocked.
        var marker = Path.Combine(_folder, $"usage-{UsageJournalName(killed[0])}.running");
        File.WriteAllText(marker, "");
        using var alive = new UsageJournal(_folder);

        // Its open segment, empty, is sealed by the start of the next journal too.
        var pending = alive.Pending();
        Assert.Equal([.. Directory.GetFiles(_folder, "*.sealed").Order(StringComparer.Ordinal)], pending);
        Assert.Contains(killed[0], pending);
        Assert.All(pending, p => Assert.Equal(UsageJournalName(killed[0]), UsageJournalName(p)));
        Assert.False(File.Exists(marker));
    }

    /// <summary>The writing journal's name in a segment's name: usage-{time}-{journal}-{sequence}.sealed.</summary>
    private static string UsageJournalName(string segment) => Path.GetFileNameWithoutExtension(segment).Split('-')[2];

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
