using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>Reads the shipped validation corpus (catalog/validation/*.yaml).</summary>
public static class ValidationReader
{
    /// <param name="workload">Only the cases of this workload (their scenarios are read, the others skipped); null for all.</param>
    public static IReadOnlyList<ValidationCase> Read(CatalogStore catalog, WorkloadKind? workload = null)
    {
        var reader = new ScenarioReader(catalog);
        return catalog.ValidationFiles.SelectMany(f => ReadFile(reader, f.Name, f.Node, workload)).ToList();
    }

    /// <summary>One validation file: a 'cases' list of published measurements with the scenarios that reproduce them.</summary>
    public static IReadOnlyList<ValidationCase> ReadFile(ScenarioReader reader, string name, DataNode node, WorkloadKind? workload = null)
    {
        if (node is not MappingNode root || root.Get("cases") is not SequenceNode list)
            throw new InputException($"{name}: expected a 'cases' list");
        var cases = new List<ValidationCase>();
        foreach (var item in list.Items.OfType<MappingNode>())
        {
            if (workload is { } w && ScenarioReader.Workload(item.Mapping("scenario")) != w) continue;
            var measured = item.Mapping("measured");
            cases.Add(new ValidationCase
            {
                Id = item.String("id"),
                InSample = item.String("fit") switch
                {
                    "in-sample" => true,
                    "out-of-sample" => false,
                    var f => throw new InputException($"{item.Path}.fit: unknown value '{f}'; use in-sample or out-of-sample"),
                },
                FitNotes = item.String("fit_notes"),
                Measurement = item.OptionalString("measurement") switch
                {
                    null or "benchmark" => MeasurementKind.Benchmark,
                    "production-average" => MeasurementKind.ProductionAverage,
                    var m => throw new InputException($"{item.Path}.measurement: unknown kind '{m}'; use benchmark or production-average"),
                },
                Source = item.String("source"),
                Notes = item.OptionalString("notes") ?? "",
                Scenario = reader.Read(item.Mapping("scenario"), "."),
                Metric = measured.String("metric"),
                Convention = measured.String("convention") switch
                {
                    "tokens" => FlopConvention.Tokens,
                    "model-flops" => FlopConvention.ModelFlops,
                    "megatron-sc21" => FlopConvention.MegatronSc21,
                    "megatron-sc21-model" => FlopConvention.MegatronSc21Model,
                    "megatron" => FlopConvention.Megatron,
                    var c => throw new InputException($"{measured.Path}.convention: unknown convention '{c}'; use tokens, model-flops, megatron, megatron-sc21 or megatron-sc21-model"),
                },
                Measured = measured.Number("value"),
                MeasuredPhases = Phases(measured),
            });
        }
        return cases;
    }

    /// <summary>measured.phases: published seconds of named RL phases, each positive.</summary>
    static Dictionary<string, double> Phases(MappingNode measured)
    {
        var phases = new Dictionary<string, double>();
        if (measured.OptionalMapping("phases") is not { } m) return phases;
        m.RequireOnly(RlPublishedPhases.Names);
        foreach (var key in m.Entries.Keys)
        {
            double v = m.Number(key);
            if (!(v > 0)) throw new InputException($"{m.Path}.{key}: {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} s; a published phase time is positive");
            phases[key] = v;
        }
        return phases;
    }
}
