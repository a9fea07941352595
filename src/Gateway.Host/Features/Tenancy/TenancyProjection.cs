using System.Text.Json;
using Gateway.Domain.Tenancy;
using Gateway.Host.Features.Auth;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Host.Features.Tenancy;

/// <summary>
/// Keeps the organizations, users and virtual_keys tables in step with the tenancy streams, inside the
/// append's transaction, and tells every instance's key directory (NOTIFY on <see cref="TenancyChangeListener.Channel"/>,
/// delivered at commit) which resource changed.
/// </summary>
internal sealed class TenancyProjection : IInlineProjection
{
    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            if (!TenancyEventTypes.ByName.TryGetValue(stored.Type, out var type))
                continue;
            var e = (ITenancyEvent)JsonSerializer.Deserialize(stored.Data, type, GatewayJson.Options)!;
            var (sql, parameters) = Statement(e);
            await using var cmd = new NpgsqlCommand(sql, connection, transaction);
            cmd.Parameters.Add(new() { Value = e.StreamId });
            cmd.Parameters.Add(new() { Value = stored.Version ?? 0 });
            cmd.Parameters.Add(new() { Value = stored.CreatedAt });
            foreach (var parameter in parameters)
                cmd.Parameters.Add(parameter);
            await cmd.ExecuteNonQueryAsync(ct);

            await ChangeNotice.SendAsync(connection, transaction, TenancyChangeListener.Channel, e.StreamId, ct);
        }
    }

    /// <summary>$1 is the resource id, $2 the stream version, $3 the event time; the rest follow.</summary>
    private static (string Sql, NpgsqlParameter[] Parameters) Statement(ITenancyEvent e) => e switch
    {
        OrganizationCreated c => (
            "insert into organizations (id, version, created_at, updated_at, name, metadata, allowed_models, allowed_tools, status) values ($1, $2, $3, $3, $4, $5, $6, $7, 'active')",
            [Text(c.Name), Json(c.Metadata), Texts(c.AllowedModels), Texts(c.AllowedTools ?? [])]),
        OrganizationUpdated u => (
            "update organizations set version = $2, updated_at = $3, name = $4, metadata = $5, allowed_models = $6, allowed_tools = $7 where id = $1",
            [Text(u.Name), Json(u.Metadata), Texts(u.AllowedModels), Texts(u.AllowedTools ?? [])]),
        OrganizationSuspended => (Status("organizations"), [Text("suspended")]),
        OrganizationReactivated => (Status("organizations"), [Text("active")]),
        OrganizationDeleted => (Status("organizations"), [Text("deleted")]),
        UserCreated c => (
            "insert into users (id, version, created_at, updated_at, org_id, external_id, alias, email, role, metadata, status) values ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, 'active')",
            [Text(c.OrgId), Text(c.ExternalId), Text(c.Alias), Text(c.Email), Text(Name(c.Role)), Json(c.Metadata)]),
        UserUpdated u => (
            "update users set version = $2, updated_at = $3, alias = $4, email = $5, role = $6, metadata = $7 where id = $1",
            [Text(u.Alias), Text(u.Email), Text(Name(u.Role)), Json(u.Metadata)]),
        UserBlocked => (Status("users"), [Text("blocked")]),
        UserUnblocked => (Status("users"), [Text("active")]),
        UserDeleted => (Status("users"), [Text("deleted")]),
        KeyIssued k => (
            """
            insert into virtual_keys (id, version, created_at, updated_at, org_id, user_id, name, prefix, hash, expires_at, allowed_models, rpm_limit, tpm_limit, metadata, allowed_tools)
            values ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [Text(k.OrgId), Text(k.UserId), Text(k.Name), Text(k.Prefix), Bytes(k.Hash), Time(k.ExpiresAt), Texts(k.AllowedModels), Int(k.RpmLimit), Int(k.TpmLimit), Json(k.Metadata), Texts(k.AllowedTools ?? [])]),
        KeyUpdated u => (
            "update virtual_keys set version = $2, updated_at = $3, name = $4, expires_at = $5, allowed_models = $6, rpm_limit = $7, tpm_limit = $8, metadata = $9, allowed_tools = $10 where id = $1",
            [Text(u.Name), Time(u.ExpiresAt), Texts(u.AllowedModels), Int(u.RpmLimit), Int(u.TpmLimit), Json(u.Metadata), Texts(u.AllowedTools ?? [])]),
        KeyRevoked => ("update virtual_keys set version = $2, updated_at = $3, revoked = true where id = $1", []),
        KeyRotated r => (
            "update virtual_keys set version = $2, updated_at = $3, prefix = $4, hash = $5, previous_hash = $6, previous_valid_until = $7 where id = $1",
            [Text(r.Prefix), Bytes(r.Hash), Bytes(r.PreviousHash), Time(r.PreviousValidUntil)]),
        KeyExpired x => ("update virtual_keys set version = $2, updated_at = $3, expiry_recorded_for = $4 where id = $1", [Time(x.ExpiresAt)]),
        _ => throw new InvalidOperationException($"no projection for {e.GetType().Name}"),
    };

    private static string Status(string table) => $"update {table} set version = $2, updated_at = $3, status = $4 where id = $1";

    private static string Name(OrgRole role) => JsonNamingPolicy.SnakeCaseLower.ConvertName(role.ToString());

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Texts(IReadOnlyList<string> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Json(IReadOnlyDictionary<string, string> value) => new() { Value = JsonSerializer.Serialize(value), NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Bytes(string base64) => new() { Value = Convert.FromBase64String(base64), NpgsqlDbType = NpgsqlDbType.Bytea };

    private static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Int(int? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer };
}
