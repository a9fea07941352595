using System.Text.Json;
using Gateway.Host.Http;
using Gateway.Host.Persistence;
using Gateway.Host.Persistence.EventStore;
using Npgsql;
using NpgsqlTypes;
using static Gateway.Host.Features.Budgets.BudgetEvents;

namespace Gateway.Host.Features.Budgets;

/// <summary>Keeps the budgets table in step with the budget streams and tells every instance which one changed.</summary>
internal sealed class BudgetProjection() : NotifyingProjection(Channel)
{
    public const string Channel = "gateway_budgets";

    protected override string? Write(StoredEvent e, NpgsqlCommand cmd)
    {
        string id;
        if (e.Type == Set)
        {
            var set = e.Deserialize<BudgetSet>(GatewayJson.Options);
            id = set.Id;
            cmd.CommandText = """
                insert into budgets (id, org_id, spec, version, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)
                on conflict (id) do update set spec = excluded.spec, version = excluded.version, updated_at = excluded.updated_at
                """;
            cmd.Parameters.Add(new() { Value = id });
            cmd.Parameters.Add(new() { Value = set.Spec.OrgId });
            cmd.Parameters.Add(new() { Value = JsonSerializer.Serialize(set.Spec, GatewayJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        else if (e.Type == Deleted)
        {
            id = e.Deserialize<BudgetDeleted>(GatewayJson.Options).Id;
            cmd.CommandText = "update budgets set removed = true, version = $2, updated_at = $3 where id = $1";
            cmd.Parameters.Add(new() { Value = id });
        }
        else
        {
            return null;
        }

        // The version and time follow the statement's own parameters.
        cmd.Parameters.Add(new() { Value = e.Version ?? 0 });
        cmd.Parameters.Add(new() { Value = e.CreatedAt });
        return id;
    }
}
