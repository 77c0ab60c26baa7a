using Augur.Reports.Console;
using Spectre.Console;

namespace Augur.Cli;

/// <summary>Writes the tables a command printed as CSV files: the first to the path given, the rest beside it numbered.</summary>
static class CsvFiles
{
    public static IReadOnlyList<string> Write(string path, IReadOnlyList<Table> tables)
    {
        var written = new List<string>();
        for (int i = 0; i < tables.Count; i++)
        {
            string file = i == 0 ? path : $"{path[..^4]}-{i + 1}.csv";
            File.WriteAllText(file, TableCapture.Csv(tables[i]));
            written.Add(file);
        }
        return written;
    }
}
