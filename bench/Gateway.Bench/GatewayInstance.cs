namespace Gateway.Bench;

/// <summary>One more gateway process of a <see cref="BenchGateway"/>'s deployment, on the same PostgreSQL; disposing stops it.</summary>
internal sealed record GatewayInstance(ChildProcess Process, Uri ChatUrl) : IAsyncDisposable
{
    public int Pid => Process.Id;

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
