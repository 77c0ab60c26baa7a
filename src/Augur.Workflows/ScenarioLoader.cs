using Augur.Catalog.Loading;
using Augur.Domain.Workloads;

namespace Augur.Workflows;

/// <summary>
/// Where every front end gets its scenario: a file or text, with key-path overrides applied to the parsed document
/// before the one typed reader, so checks and messages live in one place.
/// </summary>
public static class ScenarioLoader
{
    public static Scenario FromFile(CatalogStore catalog, string path, IReadOnlyList<ScenarioOverride>? overrides = null) =>
        new ScenarioReader(catalog).ReadFile(path, overrides);

    public static Scenario FromYaml(CatalogStore catalog, string yaml, IReadOnlyList<ScenarioOverride>? overrides = null, string baseDirectory = ".") =>
        new ScenarioReader(catalog).ReadYaml(yaml, "scenario.yaml", baseDirectory, overrides);

    /// <summary>
    /// Scenario text that may reach no file (what a server is sent): catalog names and inline models only, no
    /// config.json path, no trace file.
    /// </summary>
    public static Scenario FromTextAlone(CatalogStore catalog, string yaml) =>
        new ScenarioReader(catalog).ReadYaml(yaml, "scenario.yaml", baseDirectory: null);
}
