using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>Reads the shipped validation corpus (catalog/validation/*.yaml).</summary>
public static class ValidationReader
{
    public static IReadOnlyList<ValidationCase> Read(CatalogStore catalog)
    {
        var reader = new ScenarioReader(catalog);
        return catalog.ValidationFiles.SelectMany(f => ReadFile(reader, f.Name, f.Node)).ToList();
    }

    /// <summary>One validation file: a 'cases' list of published measurements with the scenarios that reproduce them.</summary>
    public static IReadOnlyList<ValidationCase> ReadFile(ScenarioReader reader, string name, DataNode node)
    {
        if (node is not MappingNode root || root.Get("cases") is not SequenceNode list)
            throw new InputException($"{name}: expected a 'cases' list");
        var cases = new List<ValidationCase>();
        foreach (var item in list.Items.OfType<MappingNode>())
        {
            var measured = item.Mapping("measured");
            cases.Add(new ValidationCase
            {
                Id = item.String("id"),
                Tier = item.OptionalString("tier") switch
                {
                    null or "core" => "core",
                    "supplementary" => "supplementary",
                    "holdout" => "holdout",
                    var t => throw new InputException($"{item.Path}.tier: unknown tier '{t}'; use core, supplementary or holdout"),
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
                    var c => throw new InputException($"{measured.Path}.convention: unknown convention '{c}'"),
                },
                Measured = measured.Number("value"),
            });
        }
        return cases;
    }
}
