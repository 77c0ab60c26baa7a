using System.Globalization;
using System.Text.Json;
using Augur.Domain;
using Augur.Reports.Sweeps;
using Augur.Workflows.Sweeps;

namespace Augur.Cli.Commands;

/// <summary>
/// One results file of a sweep (.csv with a header, or .jsonl), one line per point keyed by its index. Lines that do
/// not read (a write cut short) are dropped, so a rerun redoes those points.
/// </summary>
sealed class SweepFile(string path, SweepGrid grid) : IDisposable
{
    readonly bool _csv = Kind(path);
    readonly SortedDictionary<long, string> _lines = Read(path, grid);
    StreamWriter? _writer;

    public string Path => path;
    public IReadOnlySet<long> Done => _lines.Keys.ToHashSet();

    public void Open()
    {
        Write(path, _csv ? SweepReport.CsvHeader(grid) : null, _lines.Values);
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public void Append(SweepPoint p)
    {
        string line = _csv ? SweepReport.CsvRow(p) : SweepReport.JsonLine(grid, p);
        _lines[p.Index] = line;
        _writer!.WriteLine(line);
    }

    /// <summary>Rewrites the file in index order, as one uninterrupted run writes it.</summary>
    public void Finish()
    {
        Dispose();
        Write(path, _csv ? SweepReport.CsvHeader(grid) : null, _lines.Values);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Joins shard files into <paramref name="merged"/>, in index order; a point in two shards must read the same.</summary>
    public static void Merge(string merged, IReadOnlyList<string> slices)
    {
        bool csv = Kind(merged);
        string? header = null;
        var lines = new SortedDictionary<long, string>();
        foreach (var slice in slices)
        {
            if (Kind(slice) != csv) throw new InputException($"{slice}: the shards and the merged file must all be .csv or all .jsonl");
            if (!File.Exists(slice)) throw new InputException($"{slice}: no such file");
            var text = File.ReadAllLines(slice);
            if (csv)
            {
                if (text.Length == 0) throw new InputException($"{slice}: empty; a sweep's CSV starts with its header");
                if (header is not null && header != text[0]) throw new InputException($"{slice}: its header differs from the first shard's; these are not slices of one sweep");
                header = text[0];
            }
            foreach (var line in csv ? text.Skip(1) : text)
            {
                if (Index(line, csv, header is null ? 0 : Fields(header)) is not { } i) continue;
                if (lines.TryGetValue(i, out var seen) && seen != line) throw new InputException($"{slice}: point {i} differs from the same point in another shard");
                lines[i] = line;
            }
        }
        Write(merged, header, lines.Values);
    }

    static bool Kind(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => true,
        ".jsonl" => false,
        _ => throw new InputException($"--out {path}: use a .csv or .jsonl file"),
    };

    static SortedDictionary<long, string> Read(string path, SweepGrid grid)
    {
        var lines = new SortedDictionary<long, string>();
        if (!File.Exists(path)) return lines;
        bool csv = Kind(path);
        var text = File.ReadAllLines(path);
        if (csv && text.Length > 0 && text[0] != SweepReport.CsvHeader(grid))
            throw new InputException($"{path} holds another sweep (its header differs from this one's); remove it or choose another --out");
        int columns = 1 + grid.Axes.Count + SweepReport.MetricColumns.Length;
        foreach (var line in csv ? text.Skip(1) : text)
        {
            if (Index(line, csv, columns) is not { } i || i >= grid.Count) continue;
            if (!csv && !SameAxes(line, grid)) throw new InputException($"{path} holds another sweep (its keys differ from this one's); remove it or choose another --out");
            lines[i] = line;
        }
        return lines;
    }

    static bool SameAxes(string line, SweepGrid grid)
    {
        using var doc = JsonDocument.Parse(line);
        var keys = doc.RootElement.GetProperty("settings").EnumerateObject().Select(p => p.Name).ToList();
        return keys.SequenceEqual(grid.Axes.Select(a => a.Key));
    }

    /// <summary>The point index of a complete line, or null for a line cut short.</summary>
    static long? Index(string line, bool csv, int columns)
    {
        if (csv)
        {
            int comma = line.IndexOf(',');
            return comma > 0 && long.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out long i) && Fields(line) == columns ? i : null;
        }
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("index", out var v) && v.TryGetInt64(out long i) ? i : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Fields of a CSV line, commas inside quotes not counting.</summary>
    static int Fields(string line)
    {
        int n = 1;
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) n++;
        }
        return quoted ? -1 : n;
    }

    static void Write(string path, string? header, IEnumerable<string> lines)
    {
        string temp = path + ".tmp";
        using (var w = new StreamWriter(temp))
        {
            if (header is not null) w.WriteLine(header);
            foreach (var l in lines) w.WriteLine(l);
        }
        File.Move(temp, path, overwrite: true);
    }
}
