using System.Globalization;
using System.Reflection;
using System.Text;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;

namespace Augur.Workflows;

/// <summary>
/// The out-of-sample evidence error bands draw on, as text saved beside the tool when it is packed: one tab-separated
/// line per case, errors written to round-trip exactly. The text names the build it came from (the module version ids
/// of the Augur assemblies that read the catalog and run the cases, which change with any code or catalog file), and is
/// read back only by that same build, so a saved band is always the one the cases would compute.
/// </summary>
public static class SavedBandEvidence
{
    /// <summary>The file's name beside augur.dll.</summary>
    public const string FileName = "band-evidence.tsv";

    const string Header = "case\tfamily\tworkload\tmoe\tprecision\tcalibrated\thypothetical\terror\tpublication";

    public static string Write(IEnumerable<BandEvidence> evidence, string build)
    {
        var text = new StringBuilder();
        text.Append("# augur error-band evidence, saved when the tool was packed (augur validate runs the same cases)\n");
        text.Append("build\t").Append(build).Append('\n').Append(Header).Append('\n');
        foreach (var (id, k, error, publication) in evidence)
            text.Append(CultureInfo.InvariantCulture,
                $"{id}\t{k.Family}\t{k.Workload}\t{k.Moe}\t{k.Precision}\t{k.Calibrated}\t{k.Hypothetical}\t{error:R}\t{publication}\n");
        return text.ToString();
    }

    /// <summary>The evidence in <paramref name="text"/>, or null when it was saved by another build or is not such a file.</summary>
    public static IReadOnlyList<BandEvidence>? Read(string text, string build)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 3 || lines[1] != "build\t" + build || lines[2] != Header) return null;
        var evidence = new List<BandEvidence>();
        foreach (var line in lines.Skip(3))
        {
            var f = line.Split('\t');
            if (f.Length != 9 || !Enum.TryParse<WorkloadKind>(f[2], out var workload) || !bool.TryParse(f[3], out bool moe)
                || !bool.TryParse(f[5], out bool calibrated) || !bool.TryParse(f[6], out bool hypothetical)
                || !double.TryParse(f[7], NumberStyles.Float, CultureInfo.InvariantCulture, out double error))
                return null;
            evidence.Add(new BandEvidence(f[0], new BandKey(f[1], workload, moe, f[4], calibrated, hypothetical), error, f[8]));
        }
        return evidence;
    }

    /// <summary>
    /// This build: the module version ids of this assembly and every Augur assembly it draws on (a deterministic build
    /// derives each from the assembly's bytes, embedded catalog files included).
    /// </summary>
    public static string Build()
    {
        var seen = new SortedDictionary<string, Guid>(StringComparer.Ordinal);
        var next = new Stack<Assembly>([typeof(SavedBandEvidence).Assembly]);
        while (next.TryPop(out var a))
        {
            if (!seen.TryAdd(a.GetName().Name!, a.ManifestModule.ModuleVersionId)) continue;
            foreach (var r in a.GetReferencedAssemblies())
                if (r.Name!.StartsWith("Augur.", StringComparison.Ordinal) && !seen.ContainsKey(r.Name)) next.Push(Assembly.Load(r));
        }
        return string.Join(' ', seen.Select(p => $"{p.Key}:{p.Value:N}"));
    }
}
