namespace Gateway.Host.Features.Inference.Relaying;

/// <summary>How a relayed answer ended: it sets the usage record's status and how the key's lease is settled.</summary>
internal enum RelayEnd
{
    Completed,

    /// <summary>The upstream broke off, or sent an error, after bytes had reached the client (502).</summary>
    UpstreamBroke,

    /// <summary>The upstream sent nothing for the provider's stream idle timeout (504); the upstream call was cancelled.</summary>
    UpstreamStalled,

    /// <summary>The client went away (499); the upstream call was cancelled.</summary>
    ClientLeft,
}
