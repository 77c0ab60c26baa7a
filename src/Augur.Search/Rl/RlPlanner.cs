using Augur.CostModels.Rl;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Search.Rl;

/// <summary>A ranked RL plan: the costed candidates, best first, and what was searched.</summary>
/// <param name="BestPerPlacement">The best of each placement that had a fitting candidate, in placement order.</param>
/// <param name="Rejected">Candidates that could not run, and the first reason met.</param>
public sealed record RlPlan(IReadOnlyList<RlEstimate> Ranked, IReadOnlyList<RlEstimate> BestPerPlacement, int Costed, int Rejected, string? FirstRejection);

/// <summary>
/// Splits a GPU budget between generators and trainer and picks each side's layout, the placement and the staleness.
/// Each side is costed once per pool size and layout (the rollout by the serving model, the update by the training
/// model) and the sides are composed per placement, so the search grows with the splits, not their product.
/// Staleness: the least of 1 up to the scenario's bound that comes within 1% of the best (fresher samples learn better).
/// Disaggregated generators (generator mode in the scenario) get the prefill/decode split that finishes their rollout
/// soonest (<see cref="RlGeneration.Of"/>). Generators get tp, pp and (MoE) dp_attention. A reward model is placed too
/// (<see cref="Verifiers"/>): on the generators' GPUs or on GPUs of its own, which it keeps out of the budget, at each tp.
/// </summary>
public static class RlPlanner
{
    static readonly int[] Degrees = [1, 2, 4, 8];
    static readonly int[] Stages = [1, 2, 4];
    static readonly int[] MicroBatches = [1, 2];
    static readonly int[] ZeroStages = [1, 3];
    const double StalenessGain = 1.01;

    public static RlPlan Plan(ModelSpec model, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal, RunEconomics run, Objective objective, int top)
    {
        var curve = ResponseCurve.Of(job.Response, job.Samples);
        var tally = new Tally();
        int domain = Math.Max(1, cluster.ScaleUpDomain);
        // Generators on hardware of their own lay out in its scale-up domain, and cannot share the trainer's GPUs.
        int genDomain = job.Generator.OwnHardware is { } own ? Math.Max(1, own.Cluster.ScaleUpDomain) : domain;
        foreach (var verifier in Verifiers(job.Verifier, cluster.Gpus, domain, genDomain))
            Search(model, cluster, precision, job with { Verifier = verifier }, cal, run, curve, domain, genDomain, tally);
        var costed = tally.Costed;
        // Equal scores (a reward model's placements that hide behind generation alike) go to the other objective.
        var ranked = costed.OrderBy(e => Score(e, objective)).ThenBy(e => Score(e, objective == Objective.Cost ? Objective.Throughput : Objective.Cost)).ToList();
        var perPlacement = Enum.GetValues<RlPlacement>().Select(p => ranked.FirstOrDefault(e => e.Job.Placement == p)).OfType<RlEstimate>().ToList();
        return new RlPlan(ranked.Take(top).ToList(), perPlacement, costed.Count, tally.Rejected, tally.FirstRejection);
    }

    /// <summary>What the search kept and what it turned down.</summary>
    sealed class Tally
    {
        public readonly List<RlEstimate> Costed = [];
        public int Rejected;
        public string? FirstRejection;

        public void Reject(string? why) { Rejected++; FirstRejection ??= why; }

        public void Keep(RlEstimate e)
        {
            if (e.Fits) Costed.Add(e);
            else Reject("a pool does not fit in memory");
        }
    }

    /// <summary>Every placement and split of the budget the job's verifier leaves, each side's layouts, and the staleness.</summary>
    static void Search(ModelSpec model, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal, RunEconomics run,
        ResponseCurve curve, int domain, int genDomain, Tally tally)
    {
        // A reward model or a critic on GPUs of its own keeps them; the rest is split.
        int budget = cluster.Gpus - job.Verifier.OwnGpus - job.CriticGpus;
        // About 32 splits, in steps of at most a node.
        int unit = Math.Max(1, Math.Min(8, budget / 32));
        int maxStaleness = Math.Max(1, job.Staleness);

        // Colocated: every trainer layout on the whole budget, every generator layout beside its resident weights.
        // A critic on GPUs of its own needs separate pools (RlJob.CriticLayout). A critic in its own layout is costed once.
        var colocated = job with { Placement = RlPlacement.Colocated, Staleness = 0, Trainer = job.Trainer with { Gpus = budget }, Generator = job.Generator with { Gpus = budget },
            CriticLayout = CriticOn(job.CriticLayout, budget) };
        bool colocate = job.Generator.OwnHardware is null && job.CriticGpus == 0;
        var colocatedCritic = colocate ? RlSetup.OwnCritic(model, cluster, precision, colocated, cal, curve) : null;
        foreach (var trainer in colocate ? TrainerLayouts(model, budget, domain) : [])
        {
            var j = colocated with { Trainer = colocated.Trainer with { Layout = trainer } };
            var (training, problem) = RlSetup.Trainer(model, cluster, precision, j, cal, curve, colocatedCritic);
            if (training is null) { tally.Reject(problem); continue; }
            foreach (var gen in GeneratorLayouts(model, job.Generator, budget, domain))
            {
                var jg = j with { Generator = gen };
                var (generation, why) = RlSetup.Generator(model, cluster, precision, jg, cal, training, curve);
                if (generation is null) { tally.Reject(why); continue; }
                tally.Keep(RlStep.Compose(jg, cluster, cal, run, generation, training));
            }
        }

        // Separate pools: for each split, the fastest fitting trainer layout, then every generator layout and placement.
        for (int g = unit; g <= budget - unit; g += unit)
        {
            int t = budget - g;
            var baseJob = job with { Placement = RlPlacement.Disaggregated, Staleness = 0, Generator = job.Generator with { Gpus = g }, CriticLayout = CriticOn(job.CriticLayout, t) };
            RlTraining? bestTraining = null;
            RlJob? trainerJob = null;
            var critic = RlSetup.OwnCritic(model, cluster, precision, baseJob, cal, curve);
            foreach (var layout in TrainerLayouts(model, t, domain))
            {
                var j = baseJob with { Trainer = baseJob.Trainer with { Gpus = t, Layout = layout } };
                var (training, problem) = RlSetup.Trainer(model, cluster, precision, j, cal, curve, critic);
                if (training is null) { tally.Reject(problem); continue; }
                if (!(RlStep.TrainingMemory(j, training).Total <= cluster.Accelerator.HbmCapacity)) { tally.Reject("rl.trainer: the update does not fit in memory"); continue; }
                if (RlStep.TrainerHost(j, training, cluster.Accelerator, Bytes.Zero) is var (need, have) && need > have) { tally.Reject("rl.trainer: the optimizer share on the host does not fit in host memory"); continue; }
                if (bestTraining is null || TrainerSeconds(training, job) < TrainerSeconds(bestTraining, job)) (bestTraining, trainerJob) = (training, j);
            }
            if (bestTraining is null || trainerJob is null) continue;
            foreach (var gen in GeneratorLayouts(model, job.Generator, g, genDomain))
            {
                var jg = trainerJob with { Generator = gen };
                var (generation, why) = RlSetup.Generator(model, cluster, precision, jg, cal, bestTraining, curve);
                if (generation is null) { tally.Reject(why); continue; }
                tally.Keep(RlStep.Compose(jg, cluster, cal, run, generation, bestTraining));
                RlEstimate? fresher = null;
                for (int k = 1; k <= maxStaleness; k++)
                {
                    var e = RlStep.Compose(jg with { Placement = RlPlacement.Asynchronous, Staleness = k }, cluster, cal, run, generation, bestTraining);
                    if (fresher is not null && e.SamplesPerSecond <= fresher.SamplesPerSecond * StalenessGain) break;
                    tally.Keep(e);
                    fresher = e;
                }
            }
        }
    }

    /// <summary>A critic laid out on the trainer's pool keeps its degrees on a trainer of <paramref name="gpus"/> GPUs, dp filling them; one on GPUs of its own stays.</summary>
    static RlCriticLayout? CriticOn(RlCriticLayout? critic, int gpus) =>
        critic is { OwnPool: false } c ? c with { Gpus = gpus, Layout = c.Layout with { Dp = null } } : critic;

    /// <summary>
    /// Where a reward model may score: the scenario's choice first, then on the generators' GPUs at each tp of their
    /// scale-up domain, then on GPUs of its own, 1, 2, 4, ... up to a quarter of the cluster, at each tp that divides
    /// them inside one scale-up domain. Rule and sandbox verifiers have no GPUs to place.
    /// </summary>
    public static IEnumerable<RlVerifier> Verifiers(RlVerifier given, int clusterGpus, int domain, int genDomain)
    {
        yield return given;
        if (given.Kind != VerifierKind.Model) yield break;
        foreach (int tp in Degrees)
            if (tp <= genDomain && given with { OnGenerators = true, Gpus = 0, Tp = tp } is var v && v != given) yield return v;
        for (int gpus = 1; gpus <= clusterGpus / 4; gpus *= 2)
            foreach (int tp in Degrees)
                if (tp <= Math.Min(domain, gpus) && gpus % tp == 0 && given with { OnGenerators = false, Gpus = gpus, Tp = tp } is var v && v != given) yield return v;
    }

    /// <summary>Lower is better: seconds per sample, or dollars per step.</summary>
    static double Score(RlEstimate e, Objective objective) => objective == Objective.Cost ? e.CostPerStep : 1 / e.SamplesPerSecond;

    /// <summary>The trainer's share of a step: forward passes, critic and update.</summary>
    static double TrainerSeconds(RlTraining t, RlJob job)
    {
        var (logProbs, critic, update) = RlStep.TrainerPasses(job, t);
        return logProbs + critic + update;
    }

    static IEnumerable<LayoutSpec> TrainerLayouts(ModelSpec model, int gpus, int domain)
    {
        foreach (int tp in Degrees)
        {
            if (tp > domain || gpus % tp != 0) continue;
            foreach (int pp in Stages)
            {
                if (gpus % (tp * pp) != 0 || pp > model.Layers) continue;
                foreach (int zero in ZeroStages)
                    foreach (int mb in MicroBatches)
                        yield return new LayoutSpec { Tp = tp, Pp = pp, Dp = gpus / (tp * pp), Zero = zero, MicroBatch = mb, Ep = model.Moe is null ? 1 : Math.Min(8, gpus / (tp * pp)) };
            }
        }
    }

    /// <summary>
    /// Generator layouts: tp in its scale-up domain, pp of 1, 2 or 4 stages, and for MoE models dp_attention of 1 to 8
    /// attention groups with the experts over the stage's tp × dp_attention GPUs, which stay in one scale-up domain
    /// (the expert all-to-all of every decode step runs there).
    /// </summary>
    public static IEnumerable<RlGenerator> GeneratorLayouts(ModelSpec model, RlGenerator given, int gpus, int domain)
    {
        foreach (int tp in Degrees)
        {
            if (tp > domain || gpus % tp != 0) continue;
            foreach (int pp in Stages)
            {
                if (gpus % (tp * pp) != 0 || pp > model.Layers) continue;
                foreach (int dpa in model.Moe is null ? [1] : Degrees)
                    if (tp * dpa <= domain && gpus % (tp * pp * dpa) == 0)
                        yield return given with { Gpus = gpus, Tp = tp, Pp = pp, Ep = model.Moe is null ? 1 : tp * dpa, DpAttention = dpa, PrefillGpus = 0, DecodeGpus = 0 };
            }
        }
    }
}
