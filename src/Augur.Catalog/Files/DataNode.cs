using System.Globalization;
using Augur.Domain;

namespace Augur.Catalog.Files;

/// <summary>
/// A format-neutral tree read from YAML or JSON: a mapping, a sequence or a scalar, each knowing its path in
/// the file so every error can say where it is.
/// </summary>
public abstract class DataNode(string path)
{
    public string Path { get; } = path;
}

public sealed class ScalarNode(string path, string? text) : DataNode(path)
{
    public string? Text { get; } = text;
    /// <summary>No value: YAML's plain null, ~ or nothing, or JSON null. A quoted "" is an empty text, which a reader rejects where it needs a value.</summary>
    public bool IsNull => Text is null;
}

public sealed class SequenceNode(string path, IReadOnlyList<DataNode> items) : DataNode(path)
{
    public IReadOnlyList<DataNode> Items { get; } = items;
}

public sealed class MappingNode(string path, IReadOnlyDictionary<string, DataNode> entries) : DataNode(path)
{
    public IReadOnlyDictionary<string, DataNode> Entries { get; } = entries;

    public bool Has(string key) => Entries.TryGetValue(key, out var n) && !(n is ScalarNode { IsNull: true });

    public DataNode? Get(string key) => Entries.TryGetValue(key, out var n) && !(n is ScalarNode { IsNull: true }) ? n : null;

    /// <summary>Fails on any key outside <paramref name="allowed"/>, suggesting the nearest allowed one.</summary>
    public void RequireOnly(params string[] allowed)
    {
        foreach (var key in Entries.Keys)
        {
            if (Array.IndexOf(allowed, key) >= 0) continue;
            string hint = Suggest.Nearest(key, allowed) is { } near ? $"; did you mean '{near}'?" : $"; allowed keys: {string.Join(", ", allowed)}";
            throw new InputException($"{Path}: unknown key '{key}'{hint}");
        }
    }

    public string String(string key) => Get(key) switch
    {
        ScalarNode { Text: { } t } => t,
        null => throw new InputException($"{Path}: missing key '{key}'"),
        var n => throw new InputException($"{n.Path}: expected a name or text, got a {Kind(n)}"),
    };

    public string? OptionalString(string key) => Get(key) switch
    {
        null => null,
        ScalarNode { Text: { } t } => t,
        var n => throw new InputException($"{n.Path}: expected a name or text, got a {Kind(n)}"),
    };

    static string Kind(DataNode n) => n is MappingNode ? "mapping" : n is SequenceNode ? "list" : "value";

    public double Number(string key) => OptionalNumber(key) ?? throw new InputException($"{Path}: missing key '{key}'");

    public double? OptionalNumber(string key)
    {
        var n = Get(key);
        if (n is null) return null;
        if (n is ScalarNode { Text: { } t } && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            return v;
        throw new InputException(n is ScalarNode { Text: { } text }
            ? $"{n.Path}: expected a number, got '{Clip(text)}'"
            : $"{n.Path}: expected a number, got a {Kind(n)}");
    }

    public int Integer(string key) => OptionalInteger(key) ?? throw new InputException($"{Path}: missing key '{key}'");

    public int? OptionalInteger(string key)
    {
        double? v = OptionalNumber(key);
        if (v is null) return null;
        if (Math.Abs(v.Value) > int.MaxValue)
            throw new InputException($"{Path}.{key}: {InputLimits.Show(v.Value)} is out of range for a count (at most {int.MaxValue})");
        if (v != Math.Floor(v.Value))
            throw new InputException($"{Path}.{key}: expected a whole number, got {v.Value.ToString(CultureInfo.InvariantCulture)}");
        return (int)v.Value;
    }

    /// <summary>A required whole number in [min, max]; the reason says why the bounds are what they are.</summary>
    public int Integer(string key, int min, int max, string reason) =>
        OptionalInteger(key, min, max, reason) ?? throw new InputException($"{Path}: missing key '{key}'");

    /// <summary>A required number in [min, max]; the reason says why the bounds are what they are.</summary>
    public double Number(string key, double min, double max, string reason) =>
        OptionalNumber(key, min, max, reason) ?? throw new InputException($"{Path}: missing key '{key}'");

    /// <summary>An optional whole number in [min, max]; the reason says why the bounds are what they are.</summary>
    public int? OptionalInteger(string key, int min, int max, string reason)
    {
        if (OptionalNumber(key) is { } x) InputLimits.Check($"{Path}.{key}", x, min, max, reason);
        return OptionalInteger(key);
    }

    /// <summary>An optional number in [min, max]; the reason says why the bounds are what they are.</summary>
    public double? OptionalNumber(string key, double min, double max, string reason)
    {
        double? v = OptionalNumber(key);
        if (v is { } x) InputLimits.Check($"{Path}.{key}", x, min, max, reason);
        return v;
    }

    /// <summary>Damaged text can be long; messages quote at most 40 characters of it.</summary>
    static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";

    public bool? OptionalBool(string key)
    {
        var n = Get(key);
        if (n is null) return null;
        if (n is ScalarNode { Text: { } t })
        {
            switch (t.Trim().ToLowerInvariant())
            {
                case "true": case "yes": case "on": return true;
                case "false": case "no": case "off": return false;
            }
        }
        throw new InputException($"{n.Path}: expected true or false");
    }

    public MappingNode? OptionalMapping(string key) => Get(key) switch
    {
        null => null,
        MappingNode m => m,
        var n => throw new InputException($"{n.Path}: expected a mapping of keys to values"),
    };

    public MappingNode Mapping(string key) => OptionalMapping(key) ?? throw new InputException($"{Path}: missing section '{key}'");
}
