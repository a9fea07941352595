using System.Text.Json;
using Gateway.Host.Features.Providers;

namespace Gateway.Host.Features.Upstreams;

/// <summary>
/// Asks each key's upstream which models it serves, at start and then every provider's discovery
/// interval. Requests for a model go only to keys that listed it, and bare model names route to the
/// providers that list them. A key whose list cannot be read keeps serving whatever it is asked for.
/// </summary>
internal sealed partial class ModelDiscovery(ProviderRegistry registry, UpstreamHttp http, TimeProvider time, ILogger<ModelDiscovery> logger) : BackgroundService
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var due = new Dictionary<Provider, DateTimeOffset>();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Providers come and go at run time: new ones are due at once, removed ones are dropped.
            var current = registry.Providers.Values.Where(p => p.Discovery is not null).ToHashSet();
            foreach (var gone in due.Keys.Where(p => !current.Contains(p)).ToList())
                due.Remove(gone);
            foreach (var added in current)
                due.TryAdd(added, DateTimeOffset.MinValue);

            foreach (var provider in due.Keys.Where(p => due[p] <= time.GetUtcNow()).ToList())
            {
                await DiscoverAsync(provider, stoppingToken);
                due[provider] = time.GetUtcNow() + provider.Discovery!.Value;
            }

            // Looked at again at least every minute, so a provider declared meanwhile is not kept waiting long.
            var wait = due.Count == 0 ? TimeSpan.FromMinutes(1) : due.Values.Min() - time.GetUtcNow();
            try
            {
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task DiscoverAsync(Provider provider, CancellationToken ct)
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in provider.Keys.Values)
        {
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(ListTimeout);
                using var request = provider.Protocol.ListModels(provider, key);
                using var response = await http.SendAsync(provider, request, deadline.Token);
                if (!response.IsSuccessStatusCode)
                {
                    LogListRefused(provider.Name, key.Label, (int)response.StatusCode);
                    continue;
                }

                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: deadline.Token);
                var models = provider.Protocol.ReadModels(document.RootElement);
                provider.Pool.SetModels(key.Id, models);
                union.UnionWith(models);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
            {
                LogListFailed(e, provider.Name, key.Label);
            }
        }

        registry.Discovered(provider, union);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} refused to list models for key {Key} ({Status}); that key keeps serving any model")]
    private partial void LogListRefused(string provider, string key, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list the models of provider {Provider} for key {Key}; that key keeps serving any model")]
    private partial void LogListFailed(Exception exception, string provider, string key);
}
