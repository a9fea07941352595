namespace Gateway.Bench;

/// <summary>
/// The load the soak and scale-out benchmarks hold a gateway deployment under: the same request at a fixed
/// concurrency, whole or streamed, with the key of the organisation without a budget or, budgeted, of the one with a
/// budget (every request then takes the lease path); warmed for <see cref="Warmup"/> before anything is timed.
/// </summary>
/// <param name="Limited">
/// The upstream key and the virtual keys have rate limits far above the load, so every request spends leased shares
/// of windows shared across instances (the other lease path) without ever being refused.
/// </param>
internal sealed record LoadShape(int Concurrency, bool Stream, bool Budgeted, TimeSpan Warmup, bool Limited = false)
{
    public IReadOnlyDictionary<string, string> Headers(BenchGateway gateway) => Budgeted ? gateway.BudgetedHeaders : gateway.Headers;

    public override string ToString() =>
        $"{(Stream ? "stream" : "json")}, c={Concurrency}, {(Budgeted ? "a key of an organisation with a budget (leases)" : "a key without a budget")}{(Limited ? ", rate limits shared across instances on both keys" : "")}, load by {WrkLoad.Name}, {Warmup.TotalSeconds:0} s of warm-up";
}
