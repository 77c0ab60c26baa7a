using Augur.Catalog.Files;
using Augur.Domain;

namespace Augur.Catalog.Loading;

/// <summary>
/// One change to a scenario document by key path (<c>hardware.hbm_gb=432</c>, <c>cluster.gpus=4096</c>,
/// <c>parallelism.recompute=[moe, mlp]</c>). The value is read as YAML, so lists and mappings work too. Overrides are
/// applied to the parsed document before the typed reader runs, so they meet the same checks and messages as the
/// file; sweeps, inverse questions and the web app all change scenarios this way.
/// </summary>
public sealed record ScenarioOverride(string Path, string Value)
{
    /// <summary>Reads <c>key.path=value</c>.</summary>
    public static ScenarioOverride Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new InputException($"override '{text}': write it as key.path=value, e.g. cluster.gpus=4096");
        string path = text[..eq].Trim();
        if (path.Split('.').Any(p => p.Length == 0)) throw new InputException($"override '{text}': '{path}' has an empty key");
        return new ScenarioOverride(path, text[(eq + 1)..].Trim());
    }

    /// <summary>The value as a document node, placed at <paramref name="where"/>.</summary>
    internal DataNode Node(string where)
    {
        var doc = DataReader.Read("v: " + Value, $"override {Path}", json: false);
        var node = ((MappingNode)doc).Entries["v"];
        return Relocate(node, where);
    }

    static DataNode Relocate(DataNode n, string path) => n switch
    {
        MappingNode m => new MappingNode(path, m.Entries.ToDictionary(kv => kv.Key, kv => Relocate(kv.Value, path + "." + kv.Key))),
        SequenceNode s => new SequenceNode(path, s.Items.Select((c, i) => Relocate(c, $"{path}[{i}]")).ToList()),
        ScalarNode sc => new ScalarNode(path, sc.Text),
        _ => n,
    };
}

/// <summary>Applies <see cref="ScenarioOverride"/>s to a parsed scenario document.</summary>
public static class ScenarioOverrides
{
    /// <summary>Keys whose scalar (a catalog name) becomes <c>{base: name}</c> when an override reaches inside.</summary>
    static readonly string[] Derivable = ["hardware"];

    public static MappingNode Apply(MappingNode root, IReadOnlyList<ScenarioOverride> overrides)
    {
        foreach (var o in overrides) root = Set(root, o.Path.Split('.'), 0, o);
        return root;
    }

    static MappingNode Set(MappingNode map, string[] keys, int at, ScenarioOverride o)
    {
        string key = keys[at];
        var entries = new Dictionary<string, DataNode>(map.Entries);
        string path = map.Path + "." + key;
        if (at == keys.Length - 1)
        {
            entries[key] = o.Node(path);
            return new MappingNode(map.Path, entries);
        }
        var child = map.Get(key) switch
        {
            null => new MappingNode(path, new Dictionary<string, DataNode>()),
            MappingNode m => m,
            ScalarNode { Text: { } name } when at == 0 && Derivable.Contains(key) =>
                new MappingNode(path, new Dictionary<string, DataNode> { ["base"] = new ScalarNode(path + ".base", name) }),
            var n => throw new InputException($"override {o.Path}: {n.Path} is not a mapping, so it has no key '{keys[at + 1]}'"),
        };
        entries[key] = Set(child, keys, at + 1, o);
        return new MappingNode(map.Path, entries);
    }
}
