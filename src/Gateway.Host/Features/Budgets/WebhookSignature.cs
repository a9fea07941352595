using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Budgets;

/// <summary>
/// Signs budget webhook bodies so a receiver can tell the gateway sent them:
/// <c>X-Gateway-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}"}</c>. Each budget's secret
/// is derived from the master key and the budget's id, so every instance signs alike without storing it;
/// a new master key means new secrets. The timestamp lets a receiver refuse replays of old deliveries.
/// </summary>
internal sealed class WebhookSignature(GatewaySettings settings)
{
    public const string Header = "X-Gateway-Signature";

    /// <summary>The secret a receiver checks the budget's deliveries with (shown to the budget's managers only).</summary>
    public string SecretFor(string budgetId) =>
        "whsec_" + Convert.ToHexStringLower(HMACSHA256.HashData(settings.MasterKey!, Encoding.UTF8.GetBytes("budget-webhook|" + budgetId)));

    public string Sign(string budgetId, byte[] body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(body).ToArray();
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SecretFor(budgetId)), signed))}";
    }
}
