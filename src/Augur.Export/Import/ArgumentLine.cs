using System.Text;
using Augur.Domain;
using Augur.Domain.Frameworks;

namespace Augur.Export.Import;

/// <summary>The arguments of a command line, read against a framework's documented list.</summary>
/// <param name="Known">Documented arguments and their values, by name.</param>
/// <param name="Ignored">Arguments the framework list does not hold (model shape, data, optimizer ...), as written.</param>
/// <param name="Positional">Words that are not arguments or their values (the program, a model name).</param>
sealed record ParsedLine(IReadOnlyDictionary<string, IReadOnlyList<string>> Known, IReadOnlyList<string> Ignored, IReadOnlyList<string> Positional)
{
    public bool Has(string name) => Known.ContainsKey(name);

    public string? Value(string name) => Known.TryGetValue(name, out var v) ? v[0] : null;

    public int? Int(string name) => Value(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    public double? Number(string name) => Value(name) is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Splits a command line as a POSIX shell would (quotes, backslash escapes, backslash-newline continuations; lines
/// that start with # are comments, so an exported file reads back as it was written) and reads its arguments.
/// </summary>
static class ArgumentLine
{
    /// <summary>Longest command line read (a long Megatron launch script is a few kilobytes).</summary>
    public const int MaxLength = 1 << 20;

    public static List<string> Split(string text)
    {
        if (text.Length > MaxLength) throw new InputException($"the command line is {text.Length:N0} characters; at most {MaxLength:N0} are read");
        var lines = text.Replace("\r\n", "\n").Split('\n').Where(l => !l.TrimStart().StartsWith('#'));
        string s = string.Join('\n', lines);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\\' && i + 1 < s.Length)
            {
                if (s[i + 1] != '\n') { word.Append(s[i + 1]); inWord = true; }
                i++;
            }
            else if (c is '\'' or '"')
            {
                int end = s.IndexOf(c, i + 1);
                if (end < 0) throw new InputException($"the command line opens a {(c == '\'' ? "single" : "double")} quote at character {i + 1} and never closes it");
                word.Append(s, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else { word.Append(c); inWord = true; }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    /// <summary>
    /// Reads <c>--name value</c>, <c>--name=value</c> and flags against <paramref name="f"/>'s list; short aliases map
    /// to long names. An undocumented argument is kept aside with the words that follow it up to the next argument.
    /// </summary>
    public static ParsedLine Parse(FrameworkSpec f, IReadOnlyList<string> words, IReadOnlyDictionary<string, string>? aliases = null)
    {
        var known = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var positional = new List<string>();
        for (int i = 0; i < words.Count; i++)
        {
            string w = words[i];
            if (!IsArgument(w)) { positional.Add(w); continue; }
            string name = w, inline = "";
            bool hasInline = false;
            int eq = w.IndexOf('=');
            if (eq > 0) { name = w[..eq]; inline = w[(eq + 1)..]; hasInline = true; }
            if (aliases is not null && aliases.TryGetValue(name, out var longName)) name = longName;
            var spec = f.Argument(name);
            if (spec is null && name.StartsWith("--no-", StringComparison.Ordinal) && f.Argument("--" + name[5..]) is { Kind: ValueKind.Flag } negated)
            {
                known.Remove(negated.Name);
                continue;
            }
            if (spec is null)
            {
                ignored.Add(name);
                while (!hasInline && i + 1 < words.Count && !IsArgument(words[i + 1])) i++;
                continue;
            }
            var values = new List<string>();
            if (hasInline) values.Add(inline);
            else if (spec.Kind == ValueKind.Choices)
                while (i + 1 < words.Count && !IsArgument(words[i + 1])) values.Add(words[++i]);
            else if (spec.Kind != ValueKind.Flag)
            {
                if (i + 1 >= words.Count) throw new InputException($"{f.Id} {name}: needs a value");
                values.Add(words[++i]);
            }
            if (spec.Check(values) is { } bad) throw new InputException($"{f.Id} {bad}");
            known[name] = values;
        }
        return new ParsedLine(known, ignored, positional);
    }

    static bool IsArgument(string w) => w.Length > 1 && w[0] == '-' && !char.IsDigit(w[1]) && w[1] != '.';
}
