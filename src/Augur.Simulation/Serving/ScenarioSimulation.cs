using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Simulation.Serving;

/// <summary>A scenario turned into simulator inputs, with the defaults that were filled in.</summary>
/// <param name="PrefillReplicas">Replicas receiving requests (all of them when aggregated).</param>
/// <param name="DecodeReplicas">Decode replicas when disaggregated; 0 when aggregated.</param>
/// <param name="Gpus">GPUs the deployment uses.</param>
/// <param name="RatePerSecond">Offered requests per second; null for a trace.</param>
public sealed record SimulationSetup(
    ServingDeployment Deployment, IReadOnlyList<Request> Requests, SchedulerOptions Options,
    int PrefillReplicas, int DecodeReplicas, int Gpus, double? RatePerSecond, SimulationSpec Spec);

/// <summary>Builds the deployment, the requests and the scheduler options for simulating an inference scenario.</summary>
public static class ScenarioSimulation
{
    /// <summary>Offered load when <c>rate_per_s</c> is not given, as a fraction of the estimator's request rate.</summary>
    public const double DefaultLoad = 0.9;

    /// <param name="model">The estimator's model of the scenario; every iteration is costed through it.</param>
    /// <param name="estimate">Its steady-state estimate: supplies the default rate, batch limit and disaggregated split.</param>
    /// <param name="trace">The trace's requests when <see cref="SimulationSpec.Arrival"/> is trace.</param>
    public static SimulationSetup Build(InferenceModel model, InferenceLayout layout, InferenceEstimate estimate,
        SimulationSpec spec, IReadOnlyList<Request>? trace)
    {
        var job = model.Job;
        int g = layout.GpusPerReplica;
        ServingDeployment deployment;
        int prefill, decode;
        if (job.Mode == ServingMode.Disaggregated)
        {
            var pools = estimate.Disaggregated!;
            prefill = Replicas(pools.PrefillGpus, g, "prefill");
            decode = Replicas(pools.DecodeGpus, g, "decode");
            CheckReplicas((long)prefill + decode, g);
            var adapter = new InferenceCostAdapter(model, layout, (prefill + decode) * g);
            deployment = ServingDeployment.Disaggregated(prefill, adapter, decode, adapter);
        }
        else
        {
            (prefill, decode) = (layout.Replicas, 0);
            CheckReplicas(prefill, g);
            deployment = ServingDeployment.Aggregated(prefill, new InferenceCostAdapter(model, layout));
        }

        // The simulated replica admits by KV blocks; linear-attention state, held per sequence, caps the batch besides.
        int maxBatch = spec.MaxBatch ?? Math.Max(1, Math.Min(estimate.Concurrency, model.StateLimitedSequences(layout) ?? int.MaxValue));
        // One prefill chunk per attention group and pipeline micro-batch, as the steady-state estimate assumes.
        int chunk = spec.ChunkTokens ?? DefaultChunk(model, layout, maxBatch);
        if (chunk < maxBatch)
            throw new InputException($"simulation.chunk_tokens: must be at least max_batch ({maxBatch}), got {chunk}; every decoding sequence takes one token of the budget");
        var options = new SchedulerOptions
        {
            MaxBatchSequences = maxBatch,
            ChunkTokenBudget = chunk,
            // Each attention group and pipeline micro-batch has its own chunk of the budget.
            MaxChunkPerSequence = ChunkPerSequence(layout, chunk),
            Routing = spec.Routing == RoutingKind.LeastOutstandingWork ? RoutingPolicy.LeastOutstandingWork : RoutingPolicy.RoundRobin,
            Seed = spec.Seed,
            MixedPrefill = job.Limits.MixedPrefill,
            Slo = new ServiceLevelObjective(new(job.TtftLimit ?? double.PositiveInfinity), new(job.TpotLimit ?? double.PositiveInfinity)),
        };

        double? rate = null;
        IReadOnlyList<Request> requests;
        if (spec.Arrival == ArrivalKind.Trace)
        {
            requests = trace ?? throw new ArgumentNullException(nameof(trace), "arrival: trace needs the trace's requests");
            CheckWork(requests.Count, requests.Sum(r => (double)r.OutputTokens), "the trace's");
        }
        else
        {
            CheckWork(spec.Requests, spec.Requests * (double)job.OutputTokens * (1 + spec.OutputSpread), "simulation.requests ×");
            var (inputCap, outputCap) = LengthCaps(deployment.Pool.CostModel, options.BlockSizeTokens, job,
                Lengths(job.InputTokens, spec.InputSpread).Max, Lengths(job.OutputTokens, spec.OutputSpread).Max);
            var input = Lengths(job.InputTokens, spec.InputSpread, job.InputTokensCv, inputCap, "input");
            var output = Lengths(job.OutputTokens, spec.OutputSpread, job.OutputTokensCv, outputCap, "output");
            if (spec.Arrival == ArrivalKind.Burst)
                requests = RequestGenerator.Batch(spec.Requests, input, output, new Random(spec.Seed));
            else
            {
                rate = spec.RatePerSecond ?? DefaultLoad * estimate.OutputTokensPerSecondTotal / job.OutputTokens;
                if (!(rate > 0 && double.IsFinite(rate.Value)))
                    throw new InputException("simulation.rate_per_s: the steady-state estimate gives this layout no serving rate to default to; set rate_per_s");
                IArrivalProcess arrivals = spec.Arrival == ArrivalKind.Gamma ? new GammaArrivals(rate.Value, spec.Cv) : new PoissonArrivals(rate.Value);
                requests = RequestGenerator.Generate(arrivals, input, output, spec.Requests, new Random(spec.Seed));
            }
        }
        return new SimulationSetup(deployment, requests, options, prefill, decode, (prefill + decode) * g, rate, spec);
    }

    /// <summary>One prefill chunk per attention group and pipeline micro-batch, as the steady-state estimate assumes.</summary>
    public static int DefaultChunk(InferenceModel model, in InferenceLayout layout, int maxBatch) =>
        Math.Max(model.PrefillChunkTokens(layout) * layout.DpAttention * layout.Pp, maxBatch);

    /// <summary>Each attention group and pipeline micro-batch has its own chunk of the budget.</summary>
    public static int ChunkPerSequence(in InferenceLayout layout, int chunk) =>
        Math.Min(chunk, Math.Max(1, chunk / (layout.DpAttention * layout.Pp)));

    /// <summary>Uniform lengths on n·(1 ± spread), rounded, at least 1.</summary>
    public static TokenLengths Lengths(int tokens, double spread) =>
        new(Math.Max(1, (int)Math.Round(tokens * (1 - spread))), Math.Max(1, (int)Math.Round(tokens * (1 + spread))));

    /// <summary>Largest share of generated lengths a cap may cut off before the simulated means drift from the asked ones.</summary>
    const double MaxShareCut = 0.01;

    /// <summary>
    /// Caps on generated input and output lengths that keep every request within what one sequence may hold: the
    /// attention group's share of the KV cache and the replica's whole blocks, the last token's KV never written. A
    /// varied side gets what the other side leaves; two varied sides split it in proportion to their means. Uncapped
    /// when not even the mean request fits (the caller says why).
    /// </summary>
    /// <param name="inputMax">Longest input the other side's uniform spread can draw (the mean when fixed).</param>
    /// <param name="outputMax">Longest output likewise.</param>
    static (int Input, int Output) LengthCaps(IServingCostModel pool, int blockTokens, InferenceJob job, int inputMax, int outputMax)
    {
        long fits = Math.Min(pool.MaxSequenceKvTokens, pool.KvCapacityTokens / blockTokens * blockTokens) + 1;
        long mean = (long)job.InputTokens + job.OutputTokens;
        if (mean > fits) return (int.MaxValue, int.MaxValue);
        bool input = job.InputTokensCv > 0, output = job.OutputTokensCv > 0;
        long inputCap = input && output ? fits * job.InputTokens / mean : fits - outputMax;
        long outputCap = input && output ? fits - inputCap : fits - inputMax;
        return ((int)Math.Min(int.MaxValue, inputCap), (int)Math.Min(int.MaxValue, outputCap));
    }

    /// <summary>
    /// The generator's lengths for one side of a request: the simulation's uniform spread, or else the scenario's
    /// log-normal coefficient of variation (inference.input_tokens_cv / output_tokens_cv), at most <paramref name="cap"/>.
    /// Refused when the cap would cut off more than 1% of the draws (their mean and spread would not be the asked ones).
    /// </summary>
    static TokenLengths Lengths(int tokens, double spread, double cv, int cap, string side)
    {
        if (spread > 0 && cv > 0)
            throw new InputException($"simulation.{side}_spread and inference.{side}_tokens_cv both describe how {side} lengths vary; keep one");
        if (cv == 0) return Lengths(tokens, spread);
        if (cap == int.MaxValue) return TokenLengths.LogNormal(tokens, cv, int.MaxValue);
        double cut = LengthDistribution.ShareAbove(tokens, cv, cap);
        if (cut > MaxShareCut)
            throw new InputException(FormattableString.Invariant(
                $"inference.{side}_tokens_cv: {cv} puts {cut * 100:0.0}% of generated {side}s past the {cap:N0} tokens a sequence can hold beside the rest of its request, which would change their mean and spread; lower it, or give each attention group more KV room"));
        return TokenLengths.LogNormal(tokens, cv, cap);
    }

    /// <summary>The simulator keeps state per replica; a cluster of more replicas is refused before any is built.</summary>
    static void CheckReplicas(long replicas, int perReplica)
    {
        if (replicas > InputLimits.MaxSimulatedReplicas)
            throw new InputException(FormattableString.Invariant(
                $"simulate tracks every replica, and this deployment has {replicas:N0} ({perReplica}-GPU replicas), more than {InputLimits.MaxSimulatedReplicas:N0}; simulate a slice of the cluster (fewer cluster.gpus, with rate_per_s scaled to match): replicas are independent under round-robin routing"));
    }

    /// <summary>
    /// Work known before the run: every output token is one sequence-step of the event loop, so the total is refused
    /// with its size when it would take more than minutes, and the request count is bounded so memory stays bounded.
    /// </summary>
    static void CheckWork(long requests, double outputTokens, string what)
    {
        if (requests > InputLimits.MaxSimulatedRequests)
            throw new InputException(FormattableString.Invariant(
                $"simulation: {requests:N0} requests are more than the {InputLimits.MaxSimulatedRequests:N0} one run holds; simulate fewer (the percentiles settle within a few thousand)"));
        if (outputTokens > InputLimits.MaxSimulatedTokens)
            throw new InputException(FormattableString.Invariant(
                $"simulation: {what} output tokens come to {outputTokens:0.###e+0} tokens to generate, more than the {InputLimits.MaxSimulatedTokens:0e+0} one run steps through in minutes; lower simulation.requests or inference.output_tokens"));
    }

    static int Replicas(int gpus, int perReplica, string pool)
    {
        if (gpus % perReplica != 0)
            throw new InputException($"inference.{pool}_gpus: {gpus} is not a multiple of the {perReplica} GPUs of one replica");
        int replicas = gpus / perReplica;
        if (replicas < 1) throw new InputException($"inference.{pool}_gpus: the {pool} pool has no replica ({gpus} GPUs, {perReplica} per replica)");
        return replicas;
    }
}
