using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Simulation.Serving;
using Augur.Workflows.Rl;

namespace Augur.Workflows;

/// <summary>What <c>simulate</c> answers: a serving simulation, or an RL step whose rollout was served request by request.</summary>
public abstract record SimulationOutcome(Scenario Scenario);

/// <summary>A request-level serving simulation beside the steady-state estimate it was set up from.</summary>
public sealed record ServingSimulationOutcome(Scenario Scenario, SimulationSetup Setup, InferenceEstimate Estimate, ServingResult Result) : SimulationOutcome(Scenario);

/// <summary><c>simulate</c>: replay or generate requests and serve them one by one (continuous batching, paged KV cache).</summary>
public static class SimulateWorkflow
{
    /// <param name="progress">Told the requests finished so far (an RL step's rollout: its samples).</param>
    public static SimulationOutcome Run(Scenario s, CatalogStore catalog, IProgress<long>? progress = null) => s.Workload switch
    {
        WorkloadKind.Inference => Serving(s, catalog, progress),
        WorkloadKind.Rl => RlWorkflow.Simulate(s, catalog, progress),
        _ => throw new InputException("simulate needs an inference or rl scenario (workload: inference with an inference section, or workload: rl with an rl section)"),
    };

    static ServingSimulationOutcome Serving(Scenario s, CatalogStore catalog, IProgress<long>? progress)
    {
        var (model, layout) = EstimateWorkflow.InferenceModelOf(s, catalog);
        var estimate = model.Estimate(layout, s.Run);
        var spec = s.Simulation ?? new SimulationSpec();
        var setup = ScenarioSimulation.Build(model, layout, estimate, spec, spec.TracePath is { } p ? ReadTrace(p) : null);
        if (setup.Requests.Count == 0) throw new InputException("simulation.trace: the trace has no requests (a header row only); add rows of arrival_s,input_tokens,output_tokens");
        // A sequence lives in one attention group's KV cache (the engine enforces it too); checked here first to
        // say what would make room. It holds KV for every token but its last, whose KV is never written.
        long longest = setup.Requests.Max(r => (long)r.InputTokens + r.OutputTokens);
        if (model.KvCapacityTokensPerAttentionGroup(layout) < longest - 1)
            throw new InputException(NoKvRoom(s, model, layout, longest));
        if (!estimate.Fits)
            throw new InputException(FormattableString.Invariant(
                $"inference.concurrency: {s.Inference!.Concurrency ?? estimate.Concurrency} sequences per replica do not fit in the {model.UsableMemoryPerGpu.GiB:0.0} GiB usable per GPU; lower it to at most {estimate.MaxConcurrency} or leave it out"));
        try
        {
            return new ServingSimulationOutcome(s, setup, estimate, ServingSimulation.Run(setup.Deployment, setup.Requests, setup.Options, progress));
        }
        catch (ArgumentException e)
        {
            throw new InputException($"cannot simulate: {e.Message.Split('\n')[0]}");
        }
    }

    static string NoKvRoom(Scenario s, InferenceModel model, InferenceLayout layout, long sequence)
    {
        var job = s.Inference!;
        double weights = model.WeightsPerGpu(layout).GiB, usable = model.UsableMemoryPerGpu.GiB;
        var fixes = new List<string> { "spread the model over more GPUs per replica" };
        if (s.Precision.BytesPerElement() > 1) fixes.Add("precision: fp8");
        if (weights < usable)
        {
            // Only when the weights leave some room do KV precision and the memory fraction matter.
            if (job.KvPrecision.BytesPerElement() > 1) fixes.Add("kv_precision: fp8");
            if (job.MemoryFraction < 0.95) fixes.Add("a larger memory_fraction");
        }
        return FormattableString.Invariant(
            $"tp{layout.Tp} pp{layout.Pp} ep{layout.Ep} dp_attention{layout.DpAttention} leaves no KV-cache room for one {sequence}-token sequence on {s.Cluster.Accelerator.Id} (weights {weights:0.0} GiB per GPU of {usable:0.0} GiB usable); ")
            + string.Join(", or ", fixes);
    }

    static IReadOnlyList<Request> ReadTrace(string path)
    {
        try
        {
            return RequestTrace.Read(new StringReader(DataReader.ReadText(path, InputLimits.MaxTraceBytes)), Path.GetFileName(path));
        }
        catch (TraceFormatException e)
        {
            throw new InputException($"simulation.trace: {e.Message}");
        }
        catch (InputException e)
        {
            throw new InputException($"simulation.trace: {e.Message}");
        }
        catch (IOException e)
        {
            throw new InputException($"simulation.trace: cannot read {path}: {e.Message.Split('\n')[0]}");
        }
    }
}
