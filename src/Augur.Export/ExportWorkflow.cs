using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;
using Augur.Export.Serving;
using Augur.Export.Training;
using Augur.Workflows;

namespace Augur.Export;

/// <summary>
/// <c>export</c>: write a scenario's layout as a framework's own settings. The layout is the scenario's own, costed
/// as <c>estimate</c> costs it (unstated degrees default the same way), or <c>plan</c>'s winner when the scenario
/// fixes no parallel degree at all or the caller asks for a plan. A layout that does not fit is not exported.
/// </summary>
public static class ExportWorkflow
{
    static readonly Dictionary<string, Func<FrameworkSpec, TrainingTarget, Mapped>> Training = new(StringComparer.Ordinal)
    {
        ["megatron"] = Megatron.Map,
        ["torchtitan"] = Torchtitan.Map,
        ["maxtext"] = MaxText.Map,
    };

    static readonly Dictionary<string, Func<FrameworkSpec, ServingTarget, Mapped>> Serving = new(StringComparer.Ordinal)
    {
        ["vllm"] = Vllm.Map,
        ["sglang"] = Sglang.Map,
        ["trtllm"] = Trtllm.Map,
    };

    /// <summary>The frameworks export writes, training ones first.</summary>
    public static IReadOnlyList<string> Targets => [.. Training.Keys, .. Serving.Keys];

    public static FrameworkExport Run(Scenario s, CatalogStore catalog, string to, bool plan)
    {
        string id = to.Trim().ToLowerInvariant();
        if (!Targets.Contains(id))
            throw new InputException($"--to {to}: unknown framework; use one of {string.Join(", ", Targets)}");
        var framework = catalog.Framework(id);
        if (framework.Workload != s.Workload)
        {
            IEnumerable<string> fitting = s.Workload == WorkloadKind.Training ? Training.Keys : Serving.Keys;
            throw new InputException($"--to {id}: {framework.Name} is a {Kind(framework.Workload)} framework and the scenario is {Kind(s.Workload)}; use one of {string.Join(", ", fitting)}");
        }
        bool planned = plan || FixesNoDegree(s.Layout);
        return s.Workload == WorkloadKind.Training
            ? Write(framework, s, planned, TrainingOf(s, catalog, planned), Training[id])
            : Write(framework, s, planned, ServingOf(s, catalog, planned), Serving[id]);
    }

    static FrameworkExport Write<T>(FrameworkSpec f, Scenario s, bool planned, (T Target, string Layout, string? Note) resolved, Func<FrameworkSpec, T, Mapped> map)
    {
        var mapped = map(f, resolved.Target);
        var scenario = resolved.Target is ServingTarget st ? st.Scenario : s;
        IReadOnlyList<string> notes = resolved.Note is { } note ? [.. mapped.Notes, note] : mapped.Notes;
        return new FrameworkExport(f, scenario, planned, resolved.Layout, notes, mapped.Launches);
    }

    static string Kind(WorkloadKind w) => w == WorkloadKind.Training ? "training" : "serving";

    /// <summary>True when the scenario names no parallel degree, as the plan samples do.</summary>
    static bool FixesNoDegree(LayoutSpec l) =>
        l.Tp is null && l.Pp is null && l.Dp is null && l.Cp is null && l.Ep is null && l.Vp is null && l.Etp is null && l.DpAttention is null;

    static (TrainingTarget, string, string?) TrainingOf(Scenario s, CatalogStore catalog, bool planned)
    {
        TrainingEstimate e;
        double? steps;
        if (planned)
        {
            var outcome = (TrainingPlanOutcome)PlanWorkflow.Run(s, catalog, 1);
            e = outcome.Best ?? throw new InputException("no layout fits in memory, so there is nothing to export: add GPUs, use a larger-memory accelerator, or allow recompute/ZeRO");
            steps = outcome.Run?.Steps;
        }
        else
        {
            var outcome = EstimateWorkflow.Training(s, catalog);
            e = outcome.Estimate;
            steps = outcome.Run?.Steps;
        }
        if (!e.Fits)
            throw new InputException(FormattableString.Invariant($"the layout {e.Layout} needs {e.Memory.Total.GiB:0.0} GiB per GPU and does not fit, so there is nothing to export; run 'augur plan' or pass --plan"));
        return (new TrainingTarget(s, e.Layout, steps is { } n ? (long)Math.Ceiling(n - 1e-9) : null), e.Layout.ToString(), null);
    }

    /// <summary>The deployment to write; with a target rate, plan's sizing becomes a note (the export is one unit of it).</summary>
    static (ServingTarget, string, string?) ServingOf(Scenario s, CatalogStore catalog, bool planned)
    {
        Scenario chosen = s;
        InferenceEstimate e;
        string? sizing = null;
        if (planned)
        {
            var outcome = (InferencePlanOutcome)PlanWorkflow.Run(s, catalog, 1);
            chosen = outcome.Chosen;
            e = outcome.Plan.Best.Estimate;
            if (outcome.Plan.Sizing is { } z)
                sizing = FormattableString.Invariant($"for {z.TargetOutputTokensPerSecond:0} output tokens/s run {z.Units} units of {z.GpusPerUnit} GPUs of this deployment ({z.Gpus} GPUs; the scenario has {s.Cluster.Gpus})");
        }
        else e = EstimateWorkflow.Inference(s, catalog);
        if (!e.Fits)
            throw new InputException(FormattableString.Invariant($"the deployment {e.Layout.Describe()} needs {e.MemoryGiBPerGpu:0.0} GiB per GPU and does not fit, so there is nothing to export; run 'augur plan' or pass --plan"));
        string? repository = catalog.TryModel(s.Model.Name, out var entry) && entry.HuggingFace.Count > 0 ? entry.HuggingFace[0] : null;
        return (new ServingTarget(chosen, e, repository), e.Layout.Describe(), sizing);
    }
}
