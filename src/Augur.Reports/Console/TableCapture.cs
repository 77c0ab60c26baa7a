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
        foreach (var row in Cells(t)) sb.AppendLine(string.Join(",", row.Select(CsvField.Of)));
        return sb.ToString();
    }

    /// <summary>A table's header row, then its rows, each cell as plain text (for CSV, or a page's HTML table).</summary>
    public static IEnumerable<IReadOnlyList<string>> Cells(Table t) =>
        t.Rows.Select(row => (IReadOnlyList<string>)row.Select(Text).ToList()).Prepend(t.Columns.Select(c => Text(c.Header)).ToList());

    /// <summary>The plain text of one cell (or any widget), rendered on one long line.</summary>
    public static string Text(IRenderable r)
    {
        var w = new StringWriter();
        Render.Plain(w, width: 100_000).Write(r);
        return w.ToString().Trim();
    }

}
