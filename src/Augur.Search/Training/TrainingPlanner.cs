using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Augur.CostModels.Training;
using Augur.CostModels;
using Augur.CostModels.Memory;
using Augur.CostModels.Operators;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Search.Training;

/// <summary>
/// Exhaustive layout search for training: enumerate, check memory first and discard what does not fit, cost
/// the rest with <see cref="TrainingModel"/>, keep the best few by the objective.
/// </summary>
public static class TrainingPlanner
{
    public static PlanResult Plan(TrainingModel model, Scenario scenario, int top = 5, IProgress<long>? progress = null) =>
        Plan([model], scenario, top, progress);

    /// <summary>
    /// Ranks every layout under each of <paramref name="models"/> (the same scenario costed with different methods
    /// across sites, when the user allows a choice); memory does not depend on the method, so it is checked once.
    /// </summary>
    public static PlanResult Plan(IReadOnlyList<TrainingModel> models, Scenario scenario, int top = 5, IProgress<long>? progress = null)
    {
        var model = models[0];
        var job = scenario.Training!;
        var sw = Stopwatch.StartNew();
        var best = new List<TrainingEstimate>(top + 1);
        long evaluated = 0, pruned = 0, enumerated = 0, skipped = 0;
        double leastGiB = double.MaxValue, leastHostGiB = double.MaxValue;
        int sites = scenario.Cluster.Sites;
        // What carries from one layout to the next: the stages' memory before ZeRO, each model's per-layer costs.
        var memoryReuse = default(MemoryReuse);
        var perLayer = new LayerCosts[models.Count];
        // Recomputation only adds time and saves memory, full the most: a layout's variants that recompute what fits without
        // it, or modules where full recomputation does not fit, or a superset of modules that fit, cannot win, so they are
        // counted but neither checked nor costed. The search space lists a layout's variants together (none, full, then the
        // modules, each over the ZeRO stages), one run per expert-overlap schedule.
        var plain = new RecomputeRun();
        var overlapped = new RecomputeRun();
        foreach (var layout in TrainingSearchSpace.Enumerate(scenario.Model, scenario.Cluster.Gpus, scenario.Cluster.ScaleUpDomain, job, scenario.Layout, sites))
        {
            ref var run = ref layout.OverlapExperts ? ref overlapped : ref plain;
            if (run.Dominated(layout))
            {
                skipped++;
                continue;
            }
            if (LayoutValidator.Check(scenario.Model, scenario.Cluster.Gpus, layout, job.SeqLen, job.GlobalBatch, job.MtpLayers, job.ContextParallelComm) is not null) continue;
            if (LayoutValidator.CheckSites(layout, sites) is not null) continue;
            enumerated++;
            var mem = model.Memory(layout, ref memoryReuse);
            leastGiB = Math.Min(leastGiB, mem.Total.GiB);
            if (!model.Fits(mem, layout))
            {
                run.Failed(layout);
                pruned++;
                if (mem.Total <= scenario.Cluster.Accelerator.HbmCapacity) leastHostGiB = Math.Min(leastHostGiB, model.HostOptimizerBytes(layout).GiB);
                continue;
            }
            run.Fits(layout);
            for (int k = 0; k < models.Count; k++)
            {
                var est = models[k].Estimate(layout, mem, ref perLayer[k]);
                evaluated++;
                if ((evaluated & 0xFFFF) == 0) progress?.Report(evaluated);
                Insert(best, est, top);
            }
        }
        sw.Stop();
        if (best.Count == 0) throw new InputException(NothingRuns(scenario, enumerated, leastGiB, leastHostGiB));
        return new PlanResult(best, evaluated, pruned, enumerated, sw.Elapsed.TotalSeconds, Explain(best), skipped);
    }

    /// <summary>What one layout's recompute variants showed so far, per ZeRO stage: whether none fit, whether full did not, which module sets fit.</summary>
    struct RecomputeRun
    {
        const int PerStage = 32, Stages = ParallelLayout.MaxZeroStage + 1;
        readonly Recompute[] _fit = new Recompute[Stages * PerStage];
        readonly int[] _count = new int[Stages];
        readonly bool[] _plainFits = new bool[Stages], _fullFails = new bool[Stages];
        ParallelLayout _layout;

        public RecomputeRun() { }

        /// <summary>Whether <paramref name="l"/> cannot win against its variants seen so far; starts a new run at a new layout.</summary>
        public bool Dominated(in ParallelLayout l)
        {
            var key = l with { Recompute = Recompute.None, RecomputeLayers = 0, Zero = 0 };
            if (key != _layout)
            {
                _layout = key;
                Array.Clear(_count);
                Array.Clear(_plainFits);
                Array.Clear(_fullFails);
                return false;
            }
            int z = l.Zero;
            if (l.Recompute == Recompute.None) return false;
            if (_plainFits[z]) return true;
            if (l.Recompute == Recompute.Full) return false;
            if (_fullFails[z]) return true;
            for (int i = 0, at = z * PerStage; i < _count[z]; i++)
                if ((l.Recompute & _fit[at + i]) == _fit[at + i]) return true;
            return false;
        }

        public void Fits(in ParallelLayout l)
        {
            if (l.Recompute == Recompute.None) _plainFits[l.Zero] = true;
            else if (l.Recompute != Recompute.Full && _count[l.Zero] < PerStage) _fit[l.Zero * PerStage + _count[l.Zero]++] = l.Recompute;
        }

        public void Failed(in ParallelLayout l)
        {
            if (l.Recompute == Recompute.Full) _fullFails[l.Zero] = true;
        }
    }

    /// <summary>What blocked every layout: the fixed keys or the batch (nothing valid to cost), or memory.</summary>
    /// <param name="leastHostGiB">The least host memory per GPU the optimizer share needs among layouts that fit HBM; MaxValue when none does.</param>
    static string NothingRuns(Scenario s, long enumerated, double leastGiB, double leastHostGiB)
    {
        var job = s.Training!;
        string where = $"{s.Model.Name} on {s.Cluster.Gpus} × {s.Cluster.Accelerator.Id}";
        if (enumerated > 0 && leastHostGiB < double.MaxValue && s.Cluster.Accelerator.HostMemory is { } host)
            return FormattableString.Invariant(
                $"no layout of {where} fits: those that fit HBM keep at least {leastHostGiB:0.0} GiB per GPU of optimizer on the host (training.optimizer_offload), which has {host.Capacity.GiB:0.0} GiB; lower optimizer_offload or add GPUs");
        if (enumerated > 0)
            return FormattableString.Invariant(
                $"no layout of {where} fits in memory: the smallest of the {enumerated:N0} valid layouts needs {leastGiB:0.0} GiB per GPU of {s.Cluster.Accelerator.HbmCapacity.GiB:0.0} GiB; add GPUs, use a larger-memory accelerator, or leave zero and recompute out of the file so the plan may use them");
        string? fixedReason = null;
        try
        {
            var probe = LayoutDefaults.Complete(s.Layout, s.Cluster.Gpus);
            fixedReason = LayoutValidator.Check(s.Model, s.Cluster.Gpus, probe, job.SeqLen, job.GlobalBatch, job.MtpLayers, job.ContextParallelComm);
        }
        catch (LayoutException e)
        {
            fixedReason = e.Message;
        }
        return fixedReason is { } r && s.Layout != new LayoutSpec()
            ? $"no layout of {where} matches the fixed parallelism keys: {r}"
            : $"no split of the {s.Cluster.Gpus} GPUs runs {s.Model.Name} with global_batch {job.GlobalBatch} and seq_len {job.SeqLen}: each layout needs dp × microbatch to divide the global batch, cp to divide seq_len and tp to divide the {s.Model.Heads} heads; use a global batch or GPU count with more factors of two";
    }

    /// <summary>Keeps the list sorted by step time (cost ranks identically at a fixed GPU count) and at most <paramref name="top"/> long.</summary>
    static void Insert(List<TrainingEstimate> best, in TrainingEstimate e, int top)
    {
        // Compared in place: an estimate is a large struct, and the list's indexer would copy it.
        var ranked = CollectionsMarshal.AsSpan(best);
        if (ranked.Length == top && !Better(e, ranked[^1])) return;
        int i = ranked.Length;
        while (i > 0 && Better(e, ranked[i - 1])) i--;
        best.Insert(i, e);
        if (best.Count > top) best.RemoveAt(best.Count - 1);
    }

    /// <summary>Faster wins; at equal step time (within 0.1%) the layout with less memory per GPU wins.</summary>
    static bool Better(in TrainingEstimate a, in TrainingEstimate b)
    {
        if (Math.Abs(a.StepTime.Value - b.StepTime.Value) > 1e-3 * b.StepTime.Value) return a.StepTime.Value < b.StepTime.Value;
        return a.Memory.Total.Value < b.Memory.Total.Value;
    }

    static List<Conclusion> Explain(IReadOnlyList<TrainingEstimate> ranked)
    {
        var why = new List<Conclusion>();
        if (ranked.Count == 0) return why;
        var w = ranked[0];
        var parts = w.Breakdown.Parts().Where(p => p.Time.Value > 0).OrderByDescending(p => p.Time.Value).ToList();
        string shares = string.Join(", ", parts.Take(3).Select(p => $"{p.Name} {Pct(p.Time.Value / w.StepTime.Value)}"));
        why.Add(new(ConclusionKind.Winner, $"{w.Layout} wins at {F(w.StepTime.Value)} s/step, MFU {Pct(w.Mfu)}; its step is {shares}; bottleneck: {w.Bottleneck.Label()}."));
        if (ranked.Count < 2) return why;
        var r = ranked[1];
        if (r.StepTime.Value - w.StepTime.Value <= 1e-3 * w.StepTime.Value)
        {
            why.Add(new(ConclusionKind.RunnerUp, FormattableString.Invariant($"Runner-up {r.Layout} ties on step time (within 0.1%) and needs more memory per GPU ({r.Memory.Total.GiB:0.0} GiB against {w.Memory.Total.GiB:0.0} GiB).")));
            return why;
        }
        var diffs = r.Breakdown.Parts().Zip(w.Breakdown.Parts(), (a, b) => (a.Name, Delta: a.Time.Value - b.Time.Value))
            .OrderByDescending(d => d.Delta).ToList();
        var loss = diffs[0];
        why.Add(new(ConclusionKind.RunnerUp, $"Runner-up {r.Layout} is {Pct(r.StepTime.Value / w.StepTime.Value - 1)} slower: it loses most on {loss.Name} (+{(loss.Delta >= 5e-4 ? F(loss.Delta) : loss.Delta.ToString("G3", CultureInfo.InvariantCulture))} s per step)."));
        return why;
    }

    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    static string Pct(double v) => (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
