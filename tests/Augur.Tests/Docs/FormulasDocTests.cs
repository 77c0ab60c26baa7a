using System.Reflection;
using System.Text.RegularExpressions;
using Augur.CostModels.Training;
using Augur.Domain.Hardware;
using Augur.Search.Inference;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Docs;

/// <summary>docs/FORMULAS.md points at code that exists: a renamed type, member or file fails here until its row is updated.</summary>
public class FormulasDocTests
{
    static readonly string Text = File.ReadAllText(Scenarios.Repo("docs/FORMULAS.md"));

    static readonly Assembly[] Assemblies =
        [typeof(TrainingModel).Assembly, typeof(Precision).Assembly, typeof(ServingSimulation).Assembly, typeof(Pareto).Assembly, typeof(Seconds).Assembly, typeof(Augur.Workflows.OfflineBurst).Assembly];

    const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    static IEnumerable<string> CodeSpans() => Regex.Matches(Text, "`([^`]+)`").Select(m => m.Groups[1].Value).Distinct();

    [Fact]
    public void Every_named_type_and_member_exists()
    {
        var types = Assemblies.SelectMany(a => a.GetTypes()).ToLookup(t => t.Name.Split('`')[0]);
        var missing = new List<string>();
        foreach (var span in CodeSpans())
        {
            var m = Regex.Match(span, @"^([A-Z]\w*)\.([A-Z]\w*)$");
            if (!m.Success) continue;
            var candidates = types[m.Groups[1].Value].ToList();
            if (candidates.Count == 0) missing.Add($"{span}: no type {m.Groups[1].Value}");
            else if (!candidates.Any(t => t.GetMember(m.Groups[2].Value, Any).Length > 0)) missing.Add($"{span}: no member {m.Groups[2].Value}");
        }
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void Every_named_source_file_exists()
    {
        // Paths are under src/, or under src/Augur.CostModels/ when they name no project.
        var files = CodeSpans().Where(s => s.EndsWith(".cs", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        var missing = files.Where(f => !File.Exists(Scenarios.Repo("src/" + f)) && !File.Exists(Scenarios.Repo("src/Augur.CostModels/" + f))).ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void The_check_sees_the_rows()
    {
        // Guards the two checks above against a pattern that silently matches nothing.
        Assert.Contains("ExpertRouting.DistinctExperts", CodeSpans());
        Assert.Contains("Operators/LayerCost.cs", CodeSpans());
    }
}
