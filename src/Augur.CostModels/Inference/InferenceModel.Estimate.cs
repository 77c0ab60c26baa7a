using Augur.CostModels.Run;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Inference;

public sealed partial class InferenceModel
{
    /// <summary>
    /// Steady-state estimate of one layout. The batch (sequences per replica) is the job's concurrency when given;
    /// otherwise, with TTFT/TPOT limits, the highest-throughput batch meeting both (SLO mode); otherwise the
    /// largest batch that fits, capped at the engine's batch limit (<see cref="EngineBatchCap"/>; max-throughput mode).
    /// <para>
    /// Aggregated (continuous batching): each of the B sequences holds its place for its prefill iteration and
    /// (o − 1)/y decode iterations (y = tokens per step); an average iteration is the decode step at the average
    /// context c̄ = input + o/2 plus the stalls of the λ prompts it takes (<see cref="PrefillStall"/>), so
    /// throughput = B·o / (((o − 1)/y + 1)·(step(B, c̄) + λ·stall)), and TPOT counts the stalls of the prompts
    /// replacing the other B − 1 sequences.
    /// </para>
    /// <para>
    /// Disaggregated: prefill and decode pools with this layout each; the deployment admits
    /// min(prefill pool rate, decode pool rate) requests per second.
    /// </para>
    /// </summary>
    /// <param name="run">Price, power draw and PUE for the cost and energy per output token.</param>
    public InferenceEstimate Estimate(in InferenceLayout l, RunEconomics run)
    {
        var economics = GpuEconomics.Of(run, Cluster.Accelerator);
        int maxConc = MaxConcurrency(l);
        int batch = ChooseBatch(l, maxConc);
        var estimate = EstimateAt(l, batch, maxConc, economics);
        // Disaggregated, the incoming KV takes a share of each decode GPU's network link that ChooseBatch cannot know
        // before the pools are sized; where that pushes TPOT over its limit, the batch steps down until it meets it.
        if (_job.Mode == ServingMode.Disaggregated && _job.Concurrency is null && _job.TpotLimit is { } limit && estimate.BoundedTpot.Value > limit && batch > 1)
        {
            // Bisect on the largest batch that meets the limit with the share included (TPOT grows with the batch);
            // batch 1 stands when none does.
            int lo = 1, hi = batch - 1;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) / 2;
                if (EstimateAt(l, mid, maxConc, economics).BoundedTpot.Value <= limit) lo = mid; else hi = mid - 1;
            }
            estimate = EstimateAt(l, lo, maxConc, economics);
        }
        return estimate;
    }

    InferenceEstimate EstimateAt(in InferenceLayout l, int batch, int maxConc, in GpuEconomics economics)
    {
        var prefill = PrefillIteration(l, out double promptsPerIter);
        var step = DecodeStep(l, batch, AverageContext);
        double prefillPerPrompt = _job.Mode == ServingMode.Disaggregated ? prefill.Total.Value / promptsPerIter : PrefillStall(l, batch, step.Total.Value);
        double prefillInputPerGpu = promptsPerIter * _job.InputTokens / prefill.Total.Value / l.GpusPerReplica;
        double output = _job.OutputTokens;
        var mem = Memory(l, batch);
        bool fits = Fits(l, mem) && batch >= 1 && batch <= Math.Max(1, maxConc);

        if (_job.Mode == ServingMode.Disaggregated)
            return Disaggregated(l, batch, maxConc, prefill, step, prefillPerPrompt, prefillInputPerGpu, mem, fits, economics);

        // Each sequence holds its place for one prefill iteration and (o − 1)/y decode iterations; an average
        // iteration is the decode step plus the stalls of the λ prompts it takes.
        double lifetime = DecodeTokensPerRequest / TokensPerStep + 1;
        double perReplica = batch * output / (lifetime * (step.Total.Value + Lambda(batch) * prefillPerPrompt));
        double total = perReplica * l.Replicas;
        double perGpu = perReplica / l.GpusPerReplica;
        double decodePerGpu = batch * TokensPerStep / step.Total.Value / l.GpusPerReplica;
        return new InferenceEstimate { Layout = l, Concurrency = batch, MaxConcurrency = maxConc, Ttft = new(Ttft(l, batch)), Tpot = new(AggregatedTpot(batch, step.Total.Value, prefillPerPrompt)), TpotAtPercentile = TpotAtPercentile(l, batch, step.Total.Value, prefillPerPrompt), TtftAtPercentile = TtftAtPercentile(l, batch, step.Total.Value, prefillPerPrompt), DecodeStep = step, PrefillIteration = prefill, PrefillPerPrompt = new(prefillPerPrompt), OutputTokensPerSecondPerReplica = perReplica, OutputTokensPerSecondPerGpu = perGpu, OutputTokensPerSecondTotal = total, DecodeOutputTokensPerSecondPerGpu = decodePerGpu, PrefillInputTokensPerSecondPerGpu = prefillInputPerGpu, MemoryPerGpu = mem, Fits = fits, PrefillBound = prefill.Bound, DecodeBound = step.Bound, UsdPerMillionOutputTokens = economics.CostPerMillionTokens(new TokenRate(perGpu)).Value, JoulesPerOutputToken = economics.EnergyPerToken(new TokenRate(perGpu)).Value, Disaggregated = null };
    }

    InferenceEstimate Disaggregated(in InferenceLayout l, int batch, int maxConc, IterationCost prefill, IterationCost step,
        double prefillPerPrompt, double prefillInputPerGpu, Memory.MemoryBreakdown mem, bool fits, in GpuEconomics economics)
    {
        double output = _job.OutputTokens;
        int g = l.GpusPerReplica;
        double prefillRatePerReplica = 1.0 / prefillPerPrompt;
        // Requests one decode replica finishes per second: B sequences, y tokens a step, o − 1 decode tokens each.
        double DecodeRate(in IterationCost s) => batch * TokensPerStep / s.Total.Value / Math.Max(1, DecodeTokensPerRequest);
        double decodeRatePerReplica = DecodeRate(step);
        double balanced = decodeRatePerReplica / prefillRatePerReplica;

        int prefillGpus, decodeGpus;
        if (_job.PrefillGpus is { } pg && _job.DecodeGpus is { } dg) { prefillGpus = pg; decodeGpus = dg; }
        else
        {
            int replicas = Math.Max(2, l.Replicas);
            int prefillReplicas = Math.Clamp((int)Math.Round(replicas * balanced / (1 + balanced)), 1, replicas - 1);
            prefillGpus = prefillReplicas * g;
            decodeGpus = (replicas - prefillReplicas) * g;
        }
        int deployment = prefillGpus + decodeGpus; // = DeploymentGpus(l)
        double transfer = KvTransferSeconds(l, _job.InputTokens, deployment);

        // Incoming KV takes a share of each decode GPU's link; EP all-to-all sees the rest (one fixed-point pass).
        double kvBytesPerRequest = _job.InputTokens * Analysis.KvCache.BytesPerToken(_m, _job.KvPrecision).Value;
        double prefillRate = prefillGpus / (double)g * prefillRatePerReplica;
        double share = Math.Min(prefillRate, decodeGpus / (double)g * decodeRatePerReplica) * kvBytesPerRequest / decodeGpus
                       / KvTier(deployment).BytesPerSecond;
        if (share > 0 && KvSharesExpertTier(l, deployment)) step = DecodeStep(l, batch, AverageContext, share);
        decodeRatePerReplica = DecodeRate(step);
        double decodeRate = decodeGpus / (double)g * decodeRatePerReplica;
        double rate = Math.Min(prefillRate, decodeRate);
        double total = rate * output;
        double perGpu = total / deployment;
        double decodePerGpu = batch * TokensPerStep / step.Total.Value / g;
        var pools = new DisaggregatedPools
        {
            PrefillGpus = prefillGpus, DecodeGpus = decodeGpus, PrefillRequestsPerSecond = prefillRate, DecodeRequestsPerSecond = decodeRate,
            KvTransfer = new(transfer), KvNicShare = Math.Min(share, 1.0), BalancedPrefillPerDecodeGpu = decodeRatePerReplica / prefillRatePerReplica,
            Limiter = prefillRate < decodeRate ? "prefill" : "decode",
        };
        return new InferenceEstimate { Layout = l, Concurrency = batch, MaxConcurrency = maxConc, Ttft = new(Ttft(l, batch)), Tpot = new(DecodeTokensPerRequest > 0 ? step.Total.Value / TokensPerStep : 0), TpotAtPercentile = TpotAtPercentile(l, batch, step.Total.Value, 0), DecodeStep = step, PrefillIteration = prefill, PrefillPerPrompt = new(prefillPerPrompt), OutputTokensPerSecondPerReplica = total / Math.Max(1.0, decodeGpus / (double)g), OutputTokensPerSecondPerGpu = perGpu, OutputTokensPerSecondTotal = total, DecodeOutputTokensPerSecondPerGpu = decodePerGpu, PrefillInputTokensPerSecondPerGpu = prefillInputPerGpu, MemoryPerGpu = mem, Fits = fits, PrefillBound = prefill.Bound, DecodeBound = step.Bound, UsdPerMillionOutputTokens = economics.CostPerMillionTokens(new TokenRate(perGpu)).Value, JoulesPerOutputToken = economics.EnergyPerToken(new TokenRate(perGpu)).Value, Disaggregated = pools };
    }

    /// <summary>GPUs of a disaggregated deployment: the two pools when given, else the layout's replicas.</summary>
    int DeploymentGpus(in InferenceLayout l) =>
        _job.PrefillGpus is { } p && _job.DecodeGpus is { } d ? p + d : Math.Max(2, l.Replicas) * l.GpusPerReplica;

    /// <summary>Output tokens a request gets from decode steps: all but the first, which its prefill produces.</summary>
    int DecodeTokensPerRequest => _job.OutputTokens - 1;

    /// <summary>
    /// Mean time per output token after the first under continuous batching: each decode step of a sequence also
    /// carries the prompts replacing the other B − 1 sequences, λ·(B − 1)/B per step, and their stalls. Zero for
    /// one-token outputs.
    /// </summary>
    double AggregatedTpot(int batch, double step, double prefillPerPrompt) =>
        DecodeTokensPerRequest > 0 ? (step + Lambda(batch - 1) * prefillPerPrompt) / TokensPerStep : 0;

    /// <summary>
    /// The scenario's percentile of the per-request TPOT (null when tpot_ms bounds the mean or there is no output after
    /// the first token): the mean plus <see cref="TpotSpread.Excess"/> for the arrivals replacing the other B − 1
    /// sequences, each adding its prefill <paramref name="stall"/> (zero when disaggregated: prompts prefill elsewhere)
    /// and the decode step's growth per sequence, taken over ±√B around the batch (the spread of a Poisson count of B);
    /// the mean iteration (mean TPOT × tokens per step) turns arrivals per iteration into arrivals per second.
    /// </summary>
    Seconds? TpotAtPercentile(in InferenceLayout l, int batch, double step, double stall)
    {
        if (_job.SloPercentile is not { } q || DecodeTokensPerRequest <= 0) return null;
        double mean = _job.Mode == ServingMode.Disaggregated ? step / TokensPerStep : AggregatedTpot(batch, step, stall);
        int d = (int)Math.Ceiling(Math.Sqrt(batch)), below = Math.Max(1, batch - d);
        double slope = (DecodeStep(l, batch + d, AverageContext).Total.Value - DecodeStep(l, below, AverageContext).Total.Value) / (batch + d - below);
        return new(mean + TpotSpread.Excess(Lambda(batch - 1), mean * TokensPerStep, stall, Math.Max(0, slope), _job.OutputTokens, _job.OutputTokensCv, TokensPerStep, q));
    }

    /// <summary>
    /// Aggregated, the scenario's percentile of the TTFT under Poisson arrivals (<see cref="TtftSpread"/>): the
    /// no-queueing TTFT, the rest of the running iteration (step + λ·stall) and the stalls of the prompts arriving
    /// meanwhile. Null when the bound is on the mean or serving is disaggregated (its prefill pool queues on its own).
    /// </summary>
    Seconds? TtftAtPercentile(in InferenceLayout l, int batch, double step, double stall)
    {
        if (_job.SloPercentile is not { } q || _job.Mode == ServingMode.Disaggregated) return null;
        double lambda = Lambda(batch);
        return new(TtftSpread.Percentile(Ttft(l, batch), step + lambda * stall, lambda, stall, q));
    }

    /// <summary>
    /// Prompts an aggregated replica admits per iteration to keep <paramref name="sequences"/> in flight: each
    /// holds its place for (o − 1)/y decode iterations plus its own prefill iteration, so λ = B·y / (o − 1 + y).
    /// </summary>
    double Lambda(double sequences) => sequences * TokensPerStep / (DecodeTokensPerRequest + TokensPerStep);

    /// <summary>
    /// Largest batch an aggregated replica can keep full: beyond it the replacements arrive faster than the
    /// iterations can prefill them (λ above a chunk per slot) and the batch runs partly empty.
    /// </summary>
    int SustainableBatch(in InferenceLayout l) =>
        (int)Math.Min(int.MaxValue / 2, Math.Max(1, Math.Floor(MaxPromptsPerIteration(l) * (DecodeTokensPerRequest + TokensPerStep) / TokensPerStep)));

    /// <summary>
    /// Time to first token with no queueing: the prompt's prefill, which produces the first token. Aggregated, it
    /// shares its iteration with the decode step of the other B − 1 sequences; disaggregated, it runs on the
    /// prefill pool and the KV cache then moves to a decode replica (unless the first token is the only one).
    /// </summary>
    double Ttft(in InferenceLayout l, int batch)
    {
        double u = UncachedPromptTokens;
        if (_job.Mode == ServingMode.Disaggregated)
            return PrefillAlone(l).Total.Value + (DecodeTokensPerRequest > 0 ? KvTransferSeconds(l, _job.InputTokens, DeploymentGpus(l)) : 0);
        if (!_job.Limits.MixedPrefill) return PrefillAlone(l).Total.Value;
        double others = batch - 1;
        return Iteration(l, u, u * PrefillAttended(u), others, others * AverageContext, 1).Total.Value;
    }

    /// <summary>
    /// Aggregated serving: what one prompt's prefill adds to the replica's time. Under continuous batching with
    /// chunked prefill a decode iteration also takes the prompts that replaced the sequences finished since the
    /// last one: λ on average (see <see cref="Lambda"/>). Finishes of sequences of varied lengths arrive like a Poisson
    /// stream, so an iteration that has any prompt has k = λ / (1 − e^−λ) of them (at most a chunk per slot).
    /// The cost per prompt is
    /// (iteration with k prompts and B decodes − <paramref name="decodeStep"/>) / k: the pass's fixed costs are
    /// shared, and with data-parallel attention or pipeline stages a prompt on one slot holds up all the others.
    /// An engine that prefills alone (<see cref="Domain.Frameworks.ServingLimits.MixedPrefill"/> false) runs the k prompts
    /// in an iteration of their own while every sequence waits: the whole iteration / k, weights read again included.
    /// </summary>
    /// <param name="decodeStep">The decode step of the <paramref name="batch"/> at the average context, seconds.</param>
    double PrefillStall(in InferenceLayout l, int batch, double decodeStep)
    {
        double u = UncachedPromptTokens;
        double lambda = Lambda(batch);
        double k = Math.Clamp(lambda / -double.ExpM1(-lambda), 1, MaxPromptsPerIteration(l));
        if (!_job.Limits.MixedPrefill) return Iteration(l, k * u, k * u * PrefillAttended(u), 0, 0, k).Total.Value / k;
        double mixed = Iteration(l, k * u, k * u * PrefillAttended(u), batch, batch * AverageContext, k).Total.Value;
        return Math.Max(0, mixed - decodeStep) / k;
    }

    int ChooseBatch(in InferenceLayout l, int maxConc)
    {
        // Aggregated, a batch the replica cannot refill is capped at the one it can (see SustainableBatch).
        int sustainable = _job.Mode == ServingMode.Disaggregated ? int.MaxValue : SustainableBatch(l);
        if (_job.Concurrency is { } c) return Math.Min(c, sustainable);
        int cap = Math.Max(1, Math.Min(Math.Min(maxConc, sustainable), EngineBatchCap(l)));
        if (_job.TtftLimit is null && _job.TpotLimit is null) return cap;

        // SLO mode: the batch with the highest decode throughput whose TTFT and TPOT meet the limits.
        int best = 1;
        double bestRate = -1;
        for (double b = 1; b <= cap; b = Math.Max(b + 1, Math.Floor(b * 1.05)))
        {
            int batch = (int)b;
            double step = DecodeStep(l, batch, AverageContext).Total.Value;
            double stall = _job.Mode == ServingMode.Disaggregated ? 0 : PrefillStall(l, batch, step);
            double perToken = (_job.Mode == ServingMode.Disaggregated ? step / TokensPerStep : AggregatedTpot(batch, step, stall));
            if (TpotAtPercentile(l, batch, step, stall) is { } bounded) perToken = bounded.Value;
            bool ok = (_job.TpotLimit is not { } tpot || perToken <= tpot)
                      && (_job.TtftLimit is not { } ttft || (TtftAtPercentile(l, batch, step, stall)?.Value ?? Ttft(l, batch)) <= ttft);
            double rate = batch / step;
            if (ok && rate > bestRate) { best = batch; bestRate = rate; }
        }
        return best;
    }
}
