using System.Text.Json;
using Gateway.Host.Persistence.EventStore;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Persistence;

/// <summary>Each test gets its own migrated schema and an event store over it.</summary>
public abstract class EventStoreTestBase(PostgresFixture postgres) : IAsyncLifetime
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected TestDatabase Db { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Db = await postgres.NewDatabaseAsync(GetType().Name);

    public async ValueTask DisposeAsync() => await Db.DisposeAsync();

    internal EventStore Store(params IInlineProjection[] inline) => new(Db.DataSource, Json, inline);

    internal static NewEvent Event(string type = "thing.happened", object? data = null, string? tenant = "org-1") =>
        NewEvent.Create(type, data ?? new { value = 1 }, new EventMetadata(tenant, "admin:test", "corr-1"));

    internal static NewEvent[] Events(int count, string type = "thing.happened") =>
        [.. Enumerable.Range(0, count).Select(i => Event(type, new { value = i }))];
}
