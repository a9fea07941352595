namespace Gateway.Domain.Chat.Anthropic;

/// <summary>Anthropic's API on the wire: the version the gateway speaks, its headers, and its paths below the base URL.</summary>
public static class AnthropicApi
{
    /// <summary>The API version sent to Anthropic upstreams when the client names none, and on the gateway's own calls.</summary>
    public const string Version = "2023-06-01";

    public const string VersionHeader = "anthropic-version";

    /// <summary>The beta features a client opts into; sent on to Anthropic upstreams as it came.</summary>
    public const string BetaHeader = "anthropic-beta";

    /// <summary>Where Anthropic's SDKs send the key.</summary>
    public const string KeyHeader = "x-api-key";

    public const string MessagesPath = "v1/messages";

    public const string CountTokensPath = "v1/messages/count_tokens";

    public const string ModelsPath = "v1/models";
}
