using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Console;

/// <summary>
/// A writer that also keeps every table rendered through it, so a front end can save them as CSV (<c>--csv</c>)
/// without each command knowing: <see cref="Render.To"/> hands its tables to a writer of this kind.
/// </summary>
public sealed class TableCapture(TextWriter inner) : TextWriter
{
    readonly List<Table> _tables = [];

    public IReadOnlyList<Table> Tables => _tables;
    public override Encoding Encoding => inner.Encoding;
    public override void Write(char value) => inner.Write(value);
    public override void Write(string? value) => inner.Write(value);
    public override void WriteLine(string? value) => inner.WriteLine(value);
    public override void Flush() => inner.Flush();

    internal void Keep(IEnumerable<IRenderable> items) => _tables.AddRange(items.OfType<Table>());

    /// <summary>A table as CSV: its header row, then one row per table row, each cell as plain text.</summary>
    public static string Csv(Table t)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", t.Columns.Select(c => CsvField.Of(Text(c.Header)))));
        foreach (var row in t.Rows) sb.AppendLine(string.Join(",", row.Select(cell => CsvField.Of(Text(cell)))));
        return sb.ToString();
    }

    /// <summary>The plain text of one cell, rendered on one long line.</summary>
    static string Text(IRenderable r)
    {
        var w = new StringWriter();
        Render.Plain(w, width: 100_000).Write(r);
        return w.ToString().Trim();
    }

}
