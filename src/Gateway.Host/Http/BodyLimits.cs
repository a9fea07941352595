using System.Globalization;
using Gateway.Host.Hosting;

namespace Gateway.Host.Http;

/// <summary>
/// The config file's <c>max_request_body_mb</c> (default 32): the largest inference request body. Kestrel's
/// own limit is set to it, so no request body of any kind is read past it (management bodies stop much
/// earlier, at <see cref="RequestBody.MaxBytes"/>).
/// </summary>
internal sealed record BodyLimits(int Megabytes)
{
    public const string Key = "max_request_body_mb";

    public long Bytes => Megabytes * 1024L * 1024;

    public static BodyLimits FromConfiguration(IConfiguration configuration)
    {
        var text = configuration[Key];
        if (text is null)
            return new BodyLimits(32);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes) || megabytes is < 1 or > 1024)
            throw new SettingsException($"{Key} must be a whole number of MiB from 1 to 1024, not '{text}'");
        return new BodyLimits(megabytes);
    }
}
