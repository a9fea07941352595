using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Domain.Chat.OpenAI;

/// <summary>
/// A tool of a Responses request as its client knows it: its name, the namespace it was declared in (none for a
/// top-level tool), and whether it is a custom tool, whose call carries free text (<c>input</c>) rather than JSON
/// arguments.
/// </summary>
public sealed record ResponsesToolName(string Name, string? Namespace = null, bool Custom = false);

/// <summary>
/// How the tools of a Responses request are named in the canonical model, and back, read once from the request's
/// <c>tools</c> and handed from the reader to the writers. Top-level functions and custom tools keep their names. A
/// namespace's tools are flattened to <c>{namespace}__{name}</c>, as no other dialect has namespaces; where that is longer
/// than the 64 characters every provider allows a function name, or is taken by another tool, it is cut short behind a
/// hash of both names, so each name stays unique and the same for the same request. Calls of a name the request did not
/// declare (a tool dropped since) are plain functions.
/// </summary>
public sealed class ResponsesToolNames
{
    public const int MaxNameLength = 64;

    private const string Separator = "__";
    private const int HashLength = 8;

    private readonly Dictionary<string, ResponsesToolName> _byCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<(string? Namespace, string Name), string> _canonical = [];

    public static ResponsesToolNames None { get; } = new();

    /// <summary>The names of a request's tools, read from a body the validator accepted.</summary>
    public static ResponsesToolNames Of(JsonObject body)
    {
        var names = new ResponsesToolNames();
        var tools = (body["tools"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        // Top-level names are the client's own: they are taken first, and a flattened name gives way to them.
        foreach (var tool in tools)
        {
            if (JsonText.Of(tool["name"]) is { } name && JsonText.Of(tool["type"]) is "function" or "custom")
                names.Add(new ResponsesToolName(name, null, JsonText.Of(tool["type"]) == "custom"), name);
        }

        foreach (var space in tools.Where(t => JsonText.Of(t["type"]) == "namespace"))
        {
            var spaceName = JsonText.Of(space["name"]) ?? "";
            foreach (var member in (space["tools"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (JsonText.Of(member["name"]) is not { } name)
                    continue;
                var flat = Flat(spaceName, name);
                names.Add(new ResponsesToolName(name, spaceName, JsonText.Of(member["type"]) == "custom"), names._byCanonical.ContainsKey(flat) ? Hashed(spaceName, name) : flat);
            }
        }

        return names;
    }

    /// <summary>
    /// The canonical name of a tool the client names, declared or not. A name without its namespace (a
    /// <c>tool_choice</c> names a function by its name alone) is the namespaced tool of that name when there is just one.
    /// </summary>
    public string Canonical(string name, string? space)
    {
        if (_canonical.TryGetValue((space, name), out var canonical))
            return canonical;
        if (space is null)
            return _canonical.Where(p => p.Key.Name == name).Select(p => p.Value).ToList() is [var only] ? only : name;
        return Flat(space, name);
    }

    /// <summary>The tool a canonical name stands for, as the client declared it; a plain function of that name when it declared none.</summary>
    public ResponsesToolName Client(string canonical) => _byCanonical.TryGetValue(canonical, out var tool) ? tool : new ResponsesToolName(canonical);

    private void Add(ResponsesToolName tool, string canonical)
    {
        if (_canonical.ContainsKey((tool.Namespace, tool.Name)) || !_byCanonical.TryAdd(canonical, tool))
            return;
        _canonical[(tool.Namespace, tool.Name)] = canonical;
    }

    private static string Flat(string space, string name) =>
        space.Length + Separator.Length + name.Length <= MaxNameLength ? space + Separator + name : Hashed(space, name);

    private static string Hashed(string space, string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(space + "\n" + name)))[..HashLength];
        var flat = space + Separator + name;
        return flat[..Math.Min(flat.Length, MaxNameLength - HashLength - 1)] + "_" + hash;
    }
}
