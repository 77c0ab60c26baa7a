using Augur.Catalog.Loading;
using Augur.CostModels.Training;
using Augur.Domain.Workloads;

namespace Augur.Tests;

/// <summary>Builds scenarios from YAML text for tests.</summary>
static class Scenarios
{
    public static Scenario FromYaml(string yaml) =>
        new ScenarioReader(CatalogStore.Default).ReadYaml(yaml, "test.yaml");

    public static TrainingModel Training(Scenario s) =>
        new(s.Model, s.Cluster, s.Training!, CatalogStore.Default.Calibration(s.Cluster.Accelerator));

    public static Augur.CostModels.Inference.InferenceModel Inference(Scenario s) =>
        new(s.Model, s.Cluster, s.Inference!, s.Precision, CatalogStore.Default.Calibration(s.Cluster.Accelerator));

    /// <summary>An inference scenario with its model, the layout it names and the steady-state estimate of that layout.</summary>
    public static (Scenario S, Augur.CostModels.Inference.InferenceModel Model, Augur.CostModels.Inference.InferenceLayout Layout,
        Augur.CostModels.Inference.InferenceEstimate Estimate) Serving(string yaml)
    {
        var s = FromYaml(yaml);
        var layout = Augur.CostModels.Validation.InferenceValidator.LayoutFor(s);
        var model = Inference(s);
        return (s, model, layout, model.Estimate(layout, s.Run));
    }

    public static string Repo(string relative)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Augur.slnx"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, relative);
    }
}
