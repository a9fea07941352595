namespace Gateway.Domain.Upstreams;

/// <summary>
/// Tables keyed by model (published limits, prices) list families; upstreams answer with dated or
/// suffixed names. A name belongs to the longest listed name it extends at a '-' boundary:
/// <c>gemini-2.5-flash-preview-09-2025</c> to <c>gemini-2.5-flash</c>, never <c>gemini-2.5-flash-lite</c>.
/// </summary>
public static class ModelFamily
{
    public static string? Of(string model, IEnumerable<string> listed)
    {
        string? best = null;
        foreach (var name in listed)
        {
            if (name.Length > (best?.Length ?? 0) && model.Length > name.Length && model[name.Length] == '-'
                && model.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                best = name;
        }

        return best;
    }
}
