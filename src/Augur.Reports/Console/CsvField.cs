namespace Augur.Reports.Console;

/// <summary>One CSV field as written by every CSV Augur prints (sweep results, --csv tables): quoted only when it must be.</summary>
public static class CsvField
{
    public static string Of(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
