using System.Globalization;
using Augur.Domain;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Augur.Catalog.Files;

/// <summary>
/// Builds a <see cref="DataNode"/> tree from the first YAML document with YamlDotNet's event parser, so that the
/// limits hold before anything is built: nesting depth, and the number of values once aliases are expanded (an
/// alias reuses its anchor's node, but counts every value in it, so a few hundred bytes of nested aliases cannot
/// stand for billions of values). Keys must be plain text and appear once per mapping.
/// </summary>
sealed class YamlTreeReader(string name)
{
    readonly Dictionary<string, (DataNode Node, long Values)> anchors = new(StringComparer.Ordinal);
    long values;

    public DataNode Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) throw new InputException($"{name}: the file is empty");
            parser.Consume<DocumentStart>();
            return Node(parser, name, 0);
        }
        catch (Exception e) when (e is not InputException and not YamlException)
        {
            // YamlDotNet's scanner throws other exception types on some damaged input, with no position of its own:
            // name the end of the last event it read, where the damage starts.
            var at = parser.Current?.End ?? Mark.Empty;
            throw new InputException($"{name} line {at.Line}, column {at.Column}: malformed YAML (the parser gave up after this point); check the brackets, colons and indentation there");
        }
    }

    DataNode Node(IParser parser, string path, int depth)
    {
        if (depth > InputLimits.MaxNestingDepth)
            throw new InputException($"{path}: nested deeper than {InputLimits.MaxNestingDepth} levels; flatten the file");
        long before = values;
        DataNode node;
        AnchorName anchor;
        switch (parser.Current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    throw new InputException($"{path}: alias *{alias.Value.Value} names no anchor defined before it");
                Count(target.Values, path);
                return target.Node;
            case Scalar s:
                parser.MoveNext();
                Count(1, path);
                node = new ScalarNode(path, s.Style is ScalarStyle.Plain && s.Value is "null" or "~" or "" ? null : s.Value);
                anchor = s.Anchor;
                break;
            case SequenceStart start:
                parser.MoveNext();
                Count(1, path);
                var items = new List<DataNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                    items.Add(Node(parser, $"{path}[{items.Count}]", depth + 1));
                node = new SequenceNode(path, items);
                anchor = start.Anchor;
                break;
            case MappingStart start:
                parser.MoveNext();
                Count(1, path);
                var entries = new Dictionary<string, DataNode>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    string key = Key(parser, path);
                    if (entries.ContainsKey(key)) throw new InputException(DataReader.DuplicateKey(path, key));
                    entries[key] = Node(parser, path + "." + key, depth + 1);
                }
                node = new MappingNode(path, entries);
                anchor = start.Anchor;
                break;
            default:
                throw new InputException($"{path}: unexpected YAML content");
        }
        if (!anchor.IsEmpty) anchors[anchor.Value] = (node, values - before);
        return node;
    }

    /// <summary>A mapping key: plain text, or an alias of plain text.</summary>
    string Key(IParser parser, string path)
    {
        var at = parser.Current!.Start;
        switch (parser.Current)
        {
            case Scalar s:
                parser.MoveNext();
                Count(1, path);
                if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = (new ScalarNode(path, s.Value), 1);
                return s.Value;
            case AnchorAlias a when anchors.TryGetValue(a.Value.Value, out var t) && t.Node is ScalarNode { Text: { } text }:
                parser.MoveNext();
                Count(1, path);
                return text;
            default:
                throw new InputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path} line {at.Line}, column {at.Column}: a key must be plain text, not a list or a mapping"));
        }
    }

    void Count(long n, string path)
    {
        values += n;
        if (values > InputLimits.MaxValues)
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: more than {InputLimits.MaxValues:N0} values once aliases (*name) are expanded; write the values out or shorten the file"));
    }
}
