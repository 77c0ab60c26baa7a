using Augur.Catalog.Loading;
using Augur.Workflows;

namespace Augur.Tests.Workflows;

/// <summary>The catalog is an instance a caller can derive, and workflows use the one they are given.</summary>
public class CatalogInstanceTests
{
    const string Yaml = """
        workload: training
        model: llama3.1-8b
        hardware: h100-sxm
        cluster: {gpus: 8}
        training: {seq_len: 4096, global_batch: 64}
        """;

    [Fact]
    public void A_derived_catalog_changes_what_a_workflow_computes_and_leaves_the_shipped_one_alone()
    {
        var shipped = CatalogStore.Default;
        var h100 = shipped.Accelerator("h100-sxm");
        // Twice every dense peak: the compute part of the step must shrink, and the shipped entry must not move.
        var faster = shipped.With(h100 with { DensePeak = h100.DensePeak.Select(r => r * 2).ToArray() });
        var baseline = (TrainingEstimateOutcome)EstimateWorkflow.Run(ScenarioLoader.FromYaml(shipped, Yaml), shipped);
        var derived = (TrainingEstimateOutcome)EstimateWorkflow.Run(ScenarioLoader.FromYaml(faster, Yaml), faster);
        Assert.True(derived.Estimate.StepTime.Value < baseline.Estimate.StepTime.Value);
        Assert.Equal(h100.DensePeak[0], shipped.Accelerator("h100-sxm").DensePeak[0]);
    }
}
