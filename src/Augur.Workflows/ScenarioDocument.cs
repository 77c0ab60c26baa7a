using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Workflows;

/// <summary>
/// A scenario file parsed once, to be read many times with different overrides (sweeps, inverse questions):
/// each read applies its overrides to the document and runs the one typed reader.
/// </summary>
public sealed class ScenarioDocument(MappingNode root, string baseDirectory)
{
    public static ScenarioDocument FromFile(string path) =>
        DataReader.ReadFile(path) is MappingNode map
            ? new ScenarioDocument(map, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".")
            : throw new InputException($"{path}: expected a mapping with keys such as workload, model, hardware");

    public static ScenarioDocument FromYaml(string yaml, string baseDirectory = ".") =>
        DataReader.Read(yaml, "scenario.yaml", json: false) is MappingNode map
            ? new ScenarioDocument(map, baseDirectory)
            : throw new InputException("scenario.yaml: expected a mapping with keys such as workload, model, hardware");

    /// <summary>Whether the document is an RL scenario before any override (commands built for the other workloads check it first).</summary>
    public bool IsRl => root.Get("workload") is ScalarNode { Text: { } w } && w.Trim().ToLowerInvariant() is "rl" or "post_training";

    public Scenario Read(CatalogStore catalog, IReadOnlyList<ScenarioOverride>? overrides = null) =>
        new ScenarioReader(catalog).Read(ScenarioOverrides.Apply(root, overrides ?? []), baseDirectory);
}
