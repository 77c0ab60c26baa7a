using Augur.CostModels.Inference;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Rl;

/// <summary>
/// How long one generator pool takes to generate a step's samples, and what the long tail costs.
/// </summary>
/// <param name="Makespan">First prompt in to last response out, seconds: what a synchronous step waits for.</param>
/// <param name="Work">The same tokens generated at the full batch throughout, seconds: the pace when partial rollouts
/// carry the tail into later steps. Makespan − Work is the time the tail costs.</param>
/// <param name="SamplesPerReplica">Samples each replica generates (the busiest one).</param>
/// <param name="Batch">Sequences a replica runs at once: its share of the samples, at most what its KV cache holds.</param>
/// <param name="LongestResponse">The response length that sets the makespan: the median of the batch's longest.</param>
/// <param name="MeanResponse">Mean response length after clipping at the generation limit.</param>
/// <param name="GroupLatency">One prompt group's time in flight while the batch stays full: its prefill and its longest
/// response (of samples_per_prompt) at the paced batch's decode step, seconds.</param>
public readonly record struct RolloutTime(double Makespan, double Work, int SamplesPerReplica, int Batch, int LongestResponse, double MeanResponse, double GroupLatency = 0);

/// <summary>
/// Closed-form rollout of a synchronous RL step on continuous-batching generators: every sample arrives at once,
/// each replica runs its share at a batch of <c>b</c>, and decode steps are costed by the serving model's
/// <see cref="InferenceModel.DecodeStep"/> at the live batch. With response lengths L (log-normal, clipped at the
/// limit) and one batch (n ≤ b) the live batch after k tokens is b·P(L ≥ k): the drain runs ever smaller batches
/// until the longest response ends; with a queue (n &gt; b) each queued response starts as the first running one ends
/// (<see cref="RolloutQueue"/>). Disaggregated generators: prefill replicas feed decode replicas that run the same
/// schedule without prefill; makespan = KV transfer + drain + max(first batches prefilled + queued decode, every
/// prompt prefilled), and the full-batch pace is the slower pool's. The request-level simulator draws the lengths
/// instead and agrees with this when lengths are constant.
/// </summary>
public static class RolloutEstimate
{
    /// <param name="prefillReplicas">Disaggregated generators: how many of the layout's replicas prefill (the rest
    /// decode); 0 for aggregated ones.</param>
    public static RolloutTime Of(InferenceModel model, in InferenceLayout layout, RlJob job, ResponseCurve curve, int prefillReplicas = 0)
    {
        int n = (int)Math.Ceiling((double)job.Samples / (layout.Replicas - prefillReplicas));
        // The batch the KV cache holds, capped at the engine's (vLLM's max_num_seqs: 1,024 on a large GPU, or the
        // generator's max_batch).
        int most = Math.Min(model.MaxConcurrency(layout), model.EngineBatchCap(layout));
        int b = Math.Max(1, Math.Min(n, most));
        // Asynchronous with staleness k: up to k steps' prompts are in flight at once (NeMo-RL's trajectory collector
        // caps in-flight requests at num_prompts_per_step × max_trajectory_age_steps), so the full-batch pace runs at
        // up to k·n sequences; the synchronous makespan below keeps one step's batch.
        int inFlight = job.Placement == RlPlacement.Asynchronous ? Math.Max(1, job.Staleness) : 1;
        int paced = (int)Math.Max(1, Math.Min((long)n * inFlight, most));
        double mean = curve.Mean;
        double prompt = job.Prompt.Mean;
        // Prompts: the serving model's steady prefill iteration, per prompt.
        double prefillPerPrompt = model.PrefillIteration(layout, out double perIteration).Total.Value / perIteration;
        // The first token comes with the prefill; each later one is a decode step. Steady state: the queue keeps the
        // batch full, sequences at the mean context of those running (long ones are running more often).
        double steadyContext = prompt + LengthDistribution.SizeBias(curve.Cv) * mean / 2;
        double fullStepPerSequence = model.DecodeStep(layout, b, steadyContext).Total.Value / b;
        // Speculative decoding: each decode step verifies the drafts and yields TokensPerStep tokens per sequence on
        // average, so a sequence's k later tokens take k / TokensPerStep steps (1 without drafts).
        double perToken = 1 / model.TokensPerStep;
        double pacedStep = paced == b ? fullStepPerSequence * b : model.DecodeStep(layout, paced, steadyContext).Total.Value;
        double decodeWork = n * (mean - 1) * perToken * (paced == b ? fullStepPerSequence : pacedStep / paced);
        // One batch (n ≤ b): the b sequences start together and each ends at its own length, the live batch b·P(L ≥ k).
        // A queue (n > b): the batch runs full until the last queued response starts, then drains as the responses
        // still running end (RolloutQueue).
        double drain = 0, queued = 0;
        if (n <= b)
            for (int i = 0; i < curve.Points.Length; i++)
                drain += curve.Widths[i] * perToken * model.DecodeStep(layout, Math.Max(1, b * curve.Survival[i]), prompt + curve.Points[i]).Total.Value;
        else
        {
            var queue = RolloutQueue.Of(n, b, job.Response, prompt, curve.Longest);
            queued = queue.LastStart * perToken * fullStepPerSequence * b;
            for (int i = 0; i < queue.Steps.Length; i++)
                drain += queue.Steps[i] * perToken * model.DecodeStep(layout, queue.Live[i], queue.Context[i]).Total.Value;
        }
        double group = prefillPerPrompt + (ResponseCurve.LongestOf(job.Response, job.SamplesPerPrompt) - 1) * perToken * pacedStep;
        if (prefillReplicas == 0)
        {
            double prefill = n * prefillPerPrompt;
            return new RolloutTime(prefill + queued + drain, prefill + decodeWork, n, b, curve.Longest, mean, group);
        }
        // Disaggregated (the serving model's prefill and decode replicas, KV moved between them by
        // KvTransferSeconds): the decode replicas run the schedule above without prefill. Their last batch starts when
        // both the queue is worked off (after the first batches were prefilled) and the last prompt is prefilled.
        double prefillAll = Math.Ceiling((double)job.Samples / prefillReplicas) * prefillPerPrompt;
        double fill = Math.Ceiling(Math.Min(job.Samples, (double)b * (layout.Replicas - prefillReplicas)) / prefillReplicas) * prefillPerPrompt;
        double transfer = model.KvTransferSeconds(layout, prompt, layout.Gpus);
        return new RolloutTime(transfer + drain + Math.Max(fill + queued, prefillAll), Math.Max(prefillAll, decodeWork), n, b, curve.Longest, mean, group + transfer);
    }
}

/// <summary>
/// What a step's response lengths look like to the rollout, worked out once per job: the mean and coefficient of
/// variation of the clipped length min(L, max) (what the serving engine generates, and so what its KV cache holds),
/// the batch's longest response, and P(L ≥ k) at the quadrature points of the drain from token 2 to the longest.
/// </summary>
public sealed record ResponseCurve(double Mean, double Cv, int Longest, double[] Points, double[] Widths, double[] Survival)
{
    /// <summary>Quadrature points over the response length; the decode cost is smooth in the batch and the context.</summary>
    const int Steps = 256;

    public static ResponseCurve Of(RlLengths r, int samples)
    {
        int longest = LongestOf(r, samples);
        double h = Math.Max(1.0, (longest - 1.0) / Steps);
        var points = new List<double>();
        var widths = new List<double>();
        var survival = new List<double>();
        for (double k = 1 + h / 2; k < longest; k += h)
        {
            points.Add(k);
            widths.Add(Math.Min(h, longest - (k - h / 2)));
            survival.Add(ShareAtLeast(r, k));
        }
        var (mean, cv) = Clipped(r);
        return new ResponseCurve(mean, cv, longest, [.. points], [.. widths], [.. survival]);
    }

    /// <summary>P(L ≥ k) for a response of length L (a draw rounded to whole tokens, clipped at the limit).</summary>
    public static double ShareAtLeast(RlLengths r, double k) =>
        k > r.Max ? 0 : r.Spread == 0 ? (k <= r.Mean ? 1 : 0) : LengthDistribution.ShareAbove(r.Mean, r.Spread, Math.Max(0.5, k - 0.5));

    /// <summary>
    /// Mean and coefficient of variation of X = min(L, max): E[X] = ∫₀^max P(L ≥ y) dy and E[X²] = ∫₀^max 2y·P(L ≥ y) dy,
    /// by the midpoint rule in strides; cv = √(E[X²]/E[X]² − 1). Constant lengths: (mean, 0).
    /// </summary>
    public static (double Mean, double Cv) Clipped(RlLengths r)
    {
        if (r.Spread == 0) return (r.Mean, 0);
        int n = Math.Min(r.Max, 1024);
        double first = 0, second = 0, h = (double)r.Max / n;
        for (int i = 0; i < n; i++)
        {
            double y = (i + 0.5) * h, mass = h * LengthDistribution.ShareAbove(r.Mean, r.Spread, y);
            first += mass;
            second += 2 * y * mass;
        }
        return (first, Math.Sqrt(Math.Max(0, second / (first * first) - 1)));
    }

    /// <summary>
    /// The median of the longest of <paramref name="samples"/> responses: the length l with P(L ≥ l) = 1 − 2^(−1/n),
    /// at most the limit (the limit itself once that share of draws reaches it).
    /// </summary>
    public static int LongestOf(RlLengths r, int samples)
    {
        if (r.Spread == 0) return r.Mean;
        double share = 1 - Math.Pow(2, -1.0 / samples);
        if (ShareAtLeast(r, r.Max) >= share) return r.Max;
        int lo = r.Mean, hi = r.Max;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) / 2;
            if (ShareAtLeast(r, mid) >= share) lo = mid; else hi = mid;
        }
        return lo;
    }
}
