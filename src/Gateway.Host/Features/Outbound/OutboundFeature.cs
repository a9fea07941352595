using Gateway.Domain.Outbound;
using Gateway.Host.Hosting;
using Gateway.Tools.Outbound;

namespace Gateway.Host.Features.Outbound;

/// <summary>
/// The guard and the one client for destinations a tenant or a model can influence, with the config
/// file's <c>outbound: { allow: [...] }</c> read at start: an entry that is not a CIDR range, an
/// address or host[:port] stops the gateway with a line naming it.
/// </summary>
internal static class OutboundFeature
{
    public static void AddOutboundFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new OutboundRules(AllowList(builder.Configuration)));
        builder.Services.AddSingleton<IHostResolver, SystemHostResolver>();
        builder.Services.AddSingleton<OutboundGuard>();
        builder.Services.AddSingleton<OutboundClient>();
    }

    internal static OutboundAllowList AllowList(IConfiguration configuration)
    {
        if (configuration.GetSection("outbound").GetChildren().FirstOrDefault(c => c.Key != "allow") is { } unknown)
            throw new SettingsException($"outbound.{unknown.Key} is not a setting; outbound has allow");
        var section = configuration.GetSection("outbound:allow");
        if (section.Value is not null)
            throw new SettingsException($"outbound.allow must be a list, e.g. allow: [\"{section.Value}\"]");
        // Children come back ordered as text ("10" before "2"); the index is the YAML position.
        var children = section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).ToList();
        if (children.FirstOrDefault(c => c.Value is null) is { } nested)
            throw new SettingsException($"outbound.allow[{nested.Key}] must be a CIDR range, an IP address or host[:port] in one string");
        var (list, bad, error) = OutboundAllowList.Parse([.. children.Select(c => c.Value!)]);
        return list ?? throw new SettingsException($"outbound.allow[{bad}] '{children[bad].Value}' {error}");
    }
}
