using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Workflows;

namespace Augur.Cli.Commands;

/// <summary>Options and loading steps several commands share.</summary>
static class Shared
{
    public static Option<bool> Json() => new("--json") { Description = "print one stable JSON document instead of tables" };

    public static Option<string> Plot() => new("--plot") { Description = "also draw the result as a chart: FILE.png or FILE.svg (a command with more pictures writes each beside it as FILE-name.png, e.g. out-schedule.svg)" };

    /// <summary>The --plot path, its extension checked before any work is done; null when no chart is asked for.</summary>
    public static string? PlotPath(ParseResult r, Option<string> plot) => r.GetValue(plot) is { } path && Chart.FormatOf(path) is var _ ? path : null;

    /// <summary>Refuses --plot for a scenario no chart draws yet (RL), before any work is done.</summary>
    public static void CheckPlottable(Scenario s, string? plotPath)
    {
        if (s.Workload == WorkloadKind.Rl && plotPath is not null)
            throw new InputException("--plot: there is no chart of an rl scenario yet; drop --plot (--json gives every number)");
    }

    public static Argument<string> ScenarioFile() => new("file") { Description = "scenario file (YAML or JSON)" };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "change a scenario key before reading it, as key.path=value (repeatable): cluster.gpus=4096, hardware.hbm_gb=432, parallelism.tp=4",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Writes a file a command was asked to save (--out); a bad path surfaces as one line.</summary>
    public static void WriteText(string path, string text) => File.WriteAllText(path, text);

    public static Scenario Load(CatalogStore catalog, string path, string[]? overrides) =>
        ScenarioLoader.FromFile(catalog, path, (overrides ?? []).Select(ScenarioOverride.Parse).ToList());
}
