namespace Gateway.Host.Http;

/// <summary>Problems with a request, by field, collected before anything is applied.</summary>
internal sealed class FieldErrors : List<KeyValuePair<string, string>>
{
    public void Add(string field, string problem) => Add(new KeyValuePair<string, string>(field, problem));

    public Dictionary<string, string[]> ToDictionary() =>
        this.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray());
}
