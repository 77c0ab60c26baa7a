using System.Globalization;
using Augur.Domain;

namespace Augur.Catalog.Files;

/// <summary>
/// A comma-separated table with a header row (the measurement tables under catalog/measurements). Fields may be
/// double-quoted; numbers are invariant-culture and "nan" reads as NaN.
/// </summary>
public sealed class CsvTable
{
    readonly string _name;
    readonly Dictionary<string, int> _columns;
    readonly List<(int Line, string[] Fields)> _rows = [];

    public CsvTable(string text, string name)
    {
        _name = name;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0 || lines[0].Trim().Length == 0) throw new InputException($"{name}: the table has no header row");
        var header = Split(lines[0]);
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++) _columns[header[i].Trim()] = i;
        for (int i = 1; i < lines.Length; i++)
            if (lines[i].Trim().Length > 0) _rows.Add((i + 1, Split(lines[i])));
    }

    public IEnumerable<Row> Rows => _rows.Select(r => new Row(this, r.Line, r.Fields));

    public bool Has(string column) => _columns.ContainsKey(column);

    public readonly struct Row
    {
        readonly CsvTable _t;
        readonly string[] _fields;
        internal Row(CsvTable t, int line, string[] fields) { _t = t; Line = line; _fields = fields; }

        public int Line { get; }

        /// <summary>"file line N", for error messages.</summary>
        public string Where => $"{_t._name} line {Line}";

        public string Text(string column)
        {
            if (!_t._columns.TryGetValue(column, out int i)) throw new InputException($"{_t._name}: no column '{column}'");
            if (i >= _fields.Length) throw new InputException($"{Where}: missing field '{column}'");
            return _fields[i].Trim();
        }

        public double Number(string column)
        {
            string s = Text(column);
            if (s.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new InputException($"{Where}: '{column}' is '{s}', not a number");
            return v;
        }
    }

    static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields.ToArray();
    }
}
