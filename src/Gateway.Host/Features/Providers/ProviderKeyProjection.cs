using System.Text.Json;
using Gateway.Domain.Upstreams;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using static Gateway.Host.Features.Providers.ProviderKeyEvents;

namespace Gateway.Host.Features.Providers;

/// <summary>Keeps provider_keys in step with the key streams and tells every instance which key changed.</summary>
internal sealed class ProviderKeyProjection() : NotifyingProjection(Channel)
{
    public const string Channel = "gateway_provider_keys";

    protected override string? Write(StoredEvent e, NpgsqlCommand cmd)
    {
        string? keyId;
        switch (e.Type)
        {
            case Added:
                var added = e.Deserialize<KeyAdded>(GatewayJson.Options);
                keyId = added.KeyId;
                cmd.CommandText = """
                    insert into provider_keys (id, provider, label, last_four, sealed_secret, project, priority, weight, max_concurrency, rpm, rpd, tpm, version, created_at, updated_at, limits_table)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)
                    on conflict (id) do update set provider = excluded.provider, label = excluded.label, last_four = excluded.last_four,
                        sealed_secret = excluded.sealed_secret, project = excluded.project, priority = excluded.priority, weight = excluded.weight,
                        max_concurrency = excluded.max_concurrency, rpm = excluded.rpm, rpd = excluded.rpd, tpm = excluded.tpm, limits_table = excluded.limits_table,
                        disabled_reason = null, removed = false, version = excluded.version, updated_at = excluded.updated_at
                    """;
                foreach (var value in new object?[] { added.KeyId, added.Provider, added.Label, added.LastFour, added.SealedSecret, added.Project, added.Priority, added.Weight, added.MaxConcurrency, added.Rpm, added.Rpd, added.Tpm, e.Version ?? 0, e.CreatedAt, added.LimitsTable })
                    cmd.Parameters.Add(new() { Value = value ?? DBNull.Value });
                break;
            case Disabled or Enabled or Removed:
                using (var document = JsonDocument.Parse(e.Data))
                {
                    keyId = document.RootElement.GetProperty("key_id").GetString();
                    var reason = e.Type == Disabled ? document.RootElement.GetProperty("reason").GetString() : null;
                    // An operator's enable also forgets an upstream's rejection, on every instance; a removed key takes
                    // its rejection and its own cooldowns along (a project's stay: its other keys share them).
                    cmd.CommandText = """
                        with forgotten as (
                            delete from pool_key_state
                            where $6 and key_id = $1 and kind = 'disabled' or $3 and (key_id = $1 and kind = 'disabled' or scope = $7))
                        update provider_keys set disabled_reason = $2, removed = $3, version = $4, updated_at = $5 where id = $1
                        """;
                    cmd.Parameters.Add(new() { Value = keyId! });
                    cmd.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value });
                    cmd.Parameters.Add(new() { Value = e.Type == Removed });
                    cmd.Parameters.Add(new() { Value = e.Version ?? 0 });
                    cmd.Parameters.Add(new() { Value = e.CreatedAt });
                    cmd.Parameters.Add(new() { Value = e.Type == Enabled });
                    cmd.Parameters.Add(new() { Value = new PoolKey(keyId!).Scope });
                }

                break;
            default:
                return null;
        }

        return keyId;
    }
}
