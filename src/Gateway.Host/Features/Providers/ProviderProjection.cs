using System.Text.Json;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using NpgsqlTypes;
using static Gateway.Host.Features.Providers.ProviderEvents;

namespace Gateway.Host.Features.Providers;

/// <summary>Keeps the providers table in step with the provider streams and tells every instance which one changed.</summary>
internal sealed class ProviderProjection() : NotifyingProjection(Channel)
{
    public const string Channel = "gateway_providers";

    protected override string? Write(StoredEvent e, NpgsqlCommand cmd)
    {
        string name;
        if (e.Type == Declared)
        {
            var declared = e.Deserialize<ProviderDeclared>(GatewayJson.Options);
            name = declared.Name;
            cmd.CommandText = """
                insert into providers (name, spec, version, created_at, updated_at) values ($1, $2, $3, $4, $4)
                on conflict (name) do update set spec = excluded.spec, removed = false, version = excluded.version, updated_at = excluded.updated_at
                """;
            cmd.Parameters.Add(new() { Value = name });
            cmd.Parameters.Add(new() { Value = JsonSerializer.Serialize(declared.Spec, GatewayJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        else if (e.Type == Removed)
        {
            name = e.Deserialize<ProviderRemoved>(GatewayJson.Options).Name;
            cmd.CommandText = "update providers set removed = true, version = $2, updated_at = $3 where name = $1";
            cmd.Parameters.Add(new() { Value = name });
        }
        else
        {
            return null;
        }

        // The version and time follow the statement's own parameters.
        cmd.Parameters.Add(new() { Value = e.Version ?? 0 });
        cmd.Parameters.Add(new() { Value = e.CreatedAt });
        return name;
    }
}
