using System.Text.Json;
using Gateway.Domain.Tenancy;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Tenancy;

/// <summary>Reads the tenancy tables the inline projection keeps. Deleted organisations and users are not listed.</summary>
internal sealed class TenancyReadStore(NpgsqlDataSource dataSource)
{
    private const string OrganizationColumns = "id, name, metadata::text, allowed_models, status, version, created_at, updated_at, allowed_tools";
    private const string UserColumns = "id, org_id, external_id, alias, email, role, metadata::text, status, version, created_at, updated_at";
    private const string KeyColumns = """
        k.id, k.org_id, k.user_id, k.name, k.prefix, k.expires_at, k.allowed_models, k.rpm_limit, k.tpm_limit, k.metadata::text,
        k.revoked, k.version, k.created_at, k.updated_at, k.last_used_at, k.previous_valid_until, o.status, u.status, k.allowed_tools
        """;
    private const string KeyFrom = "virtual_keys k join organizations o on o.id = k.org_id left join users u on u.id = k.user_id";

    public async Task<OrganizationRow?> OrganizationAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"select {OrganizationColumns} from organizations where id = $1 and status <> 'deleted'", ReadOrganization, ct, id)).SingleOrDefault();

    /// <param name="onlyId">Restricts the list to one organisation (an organisation's own principals see only theirs).</param>
    public Task<List<OrganizationRow>> OrganizationsAsync(string? onlyId, Paging paging, CancellationToken ct) =>
        QueryAsync(
            $"select {OrganizationColumns} from organizations where status <> 'deleted' and ($1::text is null or id = $1) and ($2::text is null or id > $2) order by id limit $3",
            ReadOrganization, ct, onlyId, paging.After, paging.Fetch);

    public async Task<UserRow?> UserAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"select {UserColumns} from users where id = $1 and status <> 'deleted'", ReadUser, ct, id)).SingleOrDefault();

    public Task<List<UserRow>> UsersAsync(string? orgId, string? role, string? status, string? externalId, Paging paging, CancellationToken ct) =>
        QueryAsync(
            $"""
             select {UserColumns} from users
             where status <> 'deleted' and ($1::text is null or org_id = $1) and ($2::text is null or role = $2)
               and ($3::text is null or status = $3) and ($4::text is null or external_id = $4) and ($5::text is null or id > $5)
             order by id limit $6
             """,
            ReadUser, ct, orgId, role, status, externalId, paging.After, paging.Fetch);

    public async Task<KeyRow?> KeyAsync(string id, CancellationToken ct) =>
        (await QueryAsync($"select {KeyColumns} from {KeyFrom} where k.id = $1 and o.status <> 'deleted'", ReadKey, ct, id)).SingleOrDefault();

    public Task<List<KeyRow>> KeysAsync(string? orgId, string? userId, Paging paging, CancellationToken ct) =>
        QueryAsync(
            $"""
             select {KeyColumns} from {KeyFrom}
             where o.status <> 'deleted' and ($1::text is null or k.org_id = $1) and ($2::text is null or k.user_id = $2) and ($3::text is null or k.id > $3)
             order by k.id limit $4
             """,
            ReadKey, ct, orgId, userId, paging.After, paging.Fetch);

    /// <summary>
    /// Keys whose expiry passed and is not recorded yet, with the expiry last recorded (if any),
    /// soonest expiry first. Revoked keys are left out: revocation is what ended them.
    /// </summary>
    public Task<List<(KeyRow Row, DateTimeOffset? RecordedFor)>> ExpiredUnrecordedKeysAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        QueryAsync(
            $"""
             select {KeyColumns}, k.expiry_recorded_for from {KeyFrom}
             where not k.revoked and k.expires_at is not null and k.expiry_recorded_for is distinct from k.expires_at and k.expires_at <= $1
             order by k.expires_at limit $2
             """,
            r => (ReadKey(r), NullableTime(r, 19)), ct, now, limit);

    /// <summary>The key's current secret hash, which a rotation keeps valid for the grace period.</summary>
    public async Task<byte[]?> KeyHashAsync(string id, CancellationToken ct) =>
        (await QueryAsync("select hash from virtual_keys where id = $1", r => r.GetFieldValue<byte[]>(0), ct, id)).SingleOrDefault();

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params object?[] parameters)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
            cmd.Parameters.Add(new() { Value = parameter ?? DBNull.Value });
        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(read(reader));
        return rows;
    }

    private static OrganizationRow ReadOrganization(NpgsqlDataReader r) => new(
        new OrganizationState(r.GetString(0), r.GetString(1), Metadata(r.GetString(2)), r.GetFieldValue<string[]>(3), SnakeCase.Parse<OrganizationStatus>(r.GetString(4)), r.GetInt64(5), r.GetFieldValue<string[]>(8)),
        r.GetFieldValue<DateTimeOffset>(6),
        r.GetFieldValue<DateTimeOffset>(7));

    private static UserRow ReadUser(NpgsqlDataReader r) => new(
        new UserState(
            r.GetString(0), r.GetString(1), r.GetString(2), NullableString(r, 3), NullableString(r, 4), SnakeCase.Parse<OrgRole>(r.GetString(5)),
            Metadata(r.GetString(6)), SnakeCase.Parse<UserStatus>(r.GetString(7)), r.GetInt64(8)),
        r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10));

    private static KeyRow ReadKey(NpgsqlDataReader r) => new(
        new KeyState(
            r.GetString(0), r.GetString(1), NullableString(r, 2), r.GetString(3), r.GetString(4), NullableTime(r, 5),
            r.GetFieldValue<string[]>(6), r.IsDBNull(7) ? null : r.GetInt32(7), r.IsDBNull(8) ? null : r.GetInt32(8),
            Metadata(r.GetString(9)), r.GetBoolean(10), r.GetInt64(11), r.GetFieldValue<string[]>(18)),
        r.GetFieldValue<DateTimeOffset>(12),
        r.GetFieldValue<DateTimeOffset>(13),
        NullableTime(r, 14),
        NullableTime(r, 15),
        SnakeCase.Parse<OrganizationStatus>(r.GetString(16)),
        r.IsDBNull(17) ? null : SnakeCase.Parse<UserStatus>(r.GetString(17)));

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static Dictionary<string, string> Metadata(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
}
