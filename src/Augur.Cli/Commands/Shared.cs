using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain.Workloads;

namespace Augur.Cli.Commands;

/// <summary>Options and loading steps several commands share.</summary>
static class Shared
{
    public static Option<bool> Json() => new("--json") { Description = "print one stable JSON document instead of tables" };

    public static Argument<string> ScenarioFile() => new("file") { Description = "scenario file (YAML or JSON)" };

    public static Scenario Load(string path) => new ScenarioReader(CatalogStore.Default).ReadFile(path);
}
