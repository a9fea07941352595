using Gateway.Host.Hosting;

namespace Gateway.Host.Features.Inference;

/// <summary>
/// The config file's <c>strict_translation</c> switch. Off (the default), a request translated to another
/// dialect's upstream goes without the fields the canonical model cannot carry (each documented in the
/// README's feature tables). On, such a request is refused with 400 naming them, for operators who would
/// rather know than have, say, a seed or a cache mark silently ignored.
/// </summary>
internal sealed record TranslationSettings(bool Strict)
{
    public static TranslationSettings FromConfiguration(IConfiguration configuration)
    {
        var strict = configuration["strict_translation"];
        if (strict is not null && !bool.TryParse(strict, out _))
            throw new SettingsException($"strict_translation must be true or false, not '{strict}'");
        return new TranslationSettings(strict is not null && bool.Parse(strict));
    }
}
