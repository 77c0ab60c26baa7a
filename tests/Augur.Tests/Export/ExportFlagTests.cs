using Augur.Catalog.Loading;
using Augur.Export;

namespace Augur.Tests.Export;

/// <summary>
/// Every setting an export writes is in the framework's documented argument list with a value of its documented
/// format: the text is read back in the framework's own syntax and checked against catalog/frameworks.
/// </summary>
public class ExportFlagTests
{
    public static TheoryData<string, string> Exports()
    {
        var data = new TheoryData<string, string>();
        foreach (var (c, frameworks) in ExportCases.Expressible)
            foreach (var f in frameworks) data.Add(c, f);
        return data;
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Every_written_setting_is_documented_with_its_value_format(string scenario, string framework)
    {
        var e = ExportCases.Export(scenario, framework);
        var written = WrittenSettings.Read(e.Framework, ExportText.Render(e));
        Assert.Equal(e.Launches.Sum(l => l.Settings.Count), written.Count);
        Assert.Empty(WrittenSettings.Problems(e.Framework, written));
    }

    [Fact]
    public void Every_framework_is_covered_by_the_flag_check() =>
        Assert.Equal(ExportWorkflow.Targets.Order(StringComparer.Ordinal), ExportCases.Expressible.SelectMany(c => c.Frameworks).Distinct().Order(StringComparer.Ordinal));

    [Fact]
    public void A_flag_outside_the_list_or_a_value_outside_its_format_fails_the_check()
    {
        var megatron = CatalogStore.Default.Framework("megatron");
        // vLLM's spelling is not Megatron's, and Megatron takes no data-parallel size.
        var text = "pretrain_gpt.py --tensor-parallel-size 8 --data-parallel-size 64 --fp8-recipe per-tensor --bf16 --tensor-model-parallel-size 8\n";
        var problems = WrittenSettings.Problems(megatron, WrittenSettings.Read(megatron, text));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("--tensor-parallel-size"));
        Assert.Contains(problems, p => p.Contains("--data-parallel-size"));
        Assert.Contains(problems, p => p.Contains("per-tensor"));
    }
}
