using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Rl;

/// <summary>
/// The two sides of an RL job built from the serving and training cost models, or the first reason they cannot
/// run: the one path by which estimate, simulate and plan cost an RL layout.
/// </summary>
public static class RlSetup
{
    /// <summary>Share of HBM a colocated serving engine needs beyond the trainer's resident weights to be worth starting.</summary>
    const double MinServingShare = 0.05;

    /// <summary>Both sides; the response curve is worked out once per job (<see cref="ResponseCurve.Of"/>).</summary>
    /// <returns>The sides, or the scenario key at fault with what is wrong and how to fix it.</returns>
    public static (RlGeneration? Generation, RlTraining? Training, string? Problem) Build(
        ModelSpec model, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal)
    {
        var curve = ResponseCurve.Of(job.Response, job.Samples);
        var (training, problem) = Trainer(model, cluster, precision, job, cal, curve);
        if (training is null) return (null, null, problem);
        var (generation, why) = Generator(model, cluster, precision, job, cal, training, curve);
        return (generation, training, why);
    }

    /// <summary>The trainer's update and forward passes, or why its layout or the placement cannot run.</summary>
    /// <param name="ownCritic">A critic in a layout of its own already costed for this job (<see cref="OwnCritic"/>), which the
    /// trainer's layout does not change; null: costed here.</param>
    public static (RlTraining? Training, string? Problem) Trainer(ModelSpec model, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal,
        ResponseCurve curve, (RlTraining? Critic, string? Problem)? ownCritic = null)
    {
        if (RlTraining.Problem(model, job, job.Trainer.Layout, job.Trainer.Gpus, precision, curve) is { } t)
            return (null, $"rl.trainer: {t}");
        if (job.Trainer.ReferenceOnHost && cluster.Accelerator.HostMemory is null)
            return (null, $"rl.trainer.reference_on_host: the reference policy would live in host memory, and {cluster.Accelerator.Id} has no host_memory in the catalog; describe it (hardware: {{base: {cluster.Accelerator.Id}, host_memory: {{name: ..., gb: ..., gb_s_one_way: ...}}}}) or remove the key");
        if (OptimizerOffloadRule.Problem(job.Trainer.OptimizerOffload, cluster.Accelerator, job.Trainer.Layout.Zero, null) is { } offload)
            return (null, $"rl.trainer.optimizer_offload: {offload}");
        var training = RlTraining.Of(model, cluster, precision, job, job.Trainer.Layout, job.Trainer.Gpus, curve, cal, job.Trainer.Loss);
        if (job.Algorithm == RlAlgorithm.Ppo)
        {
            var (critic, bad) = ownCritic ?? Critic(model, cluster, precision, job, cal, curve, training);
            if (critic is null) return (null, bad);
            training = training with { Critic = critic };
        }
        return RlStep.Problem(job, cluster.Accelerator) is { } p ? (null, $"rl.placement: {p}") : (training, null);
    }

    /// <summary>
    /// PPO's critic: on the trainer's pool and layout by default (verl's critic worker group shares the actor's resource
    /// pool), the policy's own training when no critic model or layout is named and the policy's loss is the critic's
    /// generic count; else that model's (the policy's when none is named) in the critic's own layout (<see cref="RlJob.CriticLayout"/>) or the trainer's (experts
    /// unsharded when the critic is dense). A critic on GPUs of its own must fit in them.
    /// </summary>
    static (RlTraining? Critic, string? Problem) Critic(ModelSpec policy, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal,
        ResponseCurve curve, RlTraining? policyTraining)
    {
        var own = job.CriticLayout;
        // The policy's own model and layout: its training, when its loss already reads the logits as a critic's does.
        if (job.Critic is null && own is null && job.Trainer.Loss == LossKernel.CrossEntropy) return (policyTraining, null);
        var model = job.Critic ?? policy;
        var layout = own?.Layout ?? (model.Moe is null ? job.Trainer.Layout with { Ep = null, Etp = null } : job.Trainer.Layout);
        int gpus = own?.Gpus ?? job.Trainer.Gpus;
        int inner = (layout.Tp ?? 1) * (layout.Pp ?? 1) * (layout.Cp ?? 1);
        if (layout.Dp is null && gpus % inner != 0)
            return (null, $"rl.critic: tp×pp×cp = {inner} does not divide the {gpus} GPUs it trains on; change its degrees");
        if (OptimizerOffloadRule.Problem(job.Trainer.OptimizerOffload, cluster.Accelerator, layout.Zero, null) is { } offload)
            return (null, $"rl.critic: its layout keeps the trainer's optimizer share on the host (rl.trainer.optimizer_offload): {offload}");
        if (RlTraining.Problem(model, job, layout, gpus, precision, curve) is { } c)
            return (null, own is null
                ? $"rl.critic: the trainer's layout cannot train the critic {model.Name}: {c}"
                : $"rl.critic: its layout cannot train the critic {model.Name} on {gpus} GPUs: {c}");
        var critic = RlTraining.Of(model, cluster, precision, job, layout, gpus, curve, cal, LossKernel.CrossEntropy);
        var hbm = cluster.Accelerator.HbmCapacity;
        if (own is { OwnPool: true } && critic.Update.Memory.Total > hbm)
            return (null, FormattableString.Invariant(
                $"rl.critic: its update needs {critic.Update.Memory.Total.GiB:0.0} GiB per GPU, more than the {hbm.GiB:0.0} GiB of {cluster.Accelerator.Id}; shard it further (zero: 3, more tp/pp) or give it more GPUs (critic.gpus)"));
        return (critic, null);
    }

    /// <summary>
    /// PPO's critic in a layout of its own (<see cref="RlJob.CriticLayout"/>), which depends on the job but not on the trainer's
    /// layout, so a search over trainer layouts costs it once; null when the job has none.
    /// </summary>
    public static (RlTraining? Critic, string? Problem)? OwnCritic(ModelSpec model, Cluster cluster, Precision precision, RlJob job, HardwareCalibration cal,
        ResponseCurve curve) =>
        job.Algorithm == RlAlgorithm.Ppo && job.CriticLayout is not null ? Critic(model, cluster, precision, job, cal, curve, null) : null;

    /// <summary>
    /// The generators' rollout (with a model verifier's reward model), or why their layout cannot hold the job beside
    /// a colocated trainer's weights, or a reward model colocated with them.
    /// </summary>
    public static (RlGeneration? Generation, string? Problem) Generator(ModelSpec model, Cluster cluster, Precision precision, RlJob job,
        HardwareCalibration cal, RlTraining training, ResponseCurve curve)
    {
        var g = job.Generator;
        var (genCluster, genCal) = GeneratorHardware(cluster, cal, g);
        double fraction = g.MemoryFraction;
        var hbm = genCluster.Accelerator.HbmCapacity;
        if (job.Placement == RlPlacement.Colocated)
        {
            // The serving engine gets what the trainer's resident weights leave (verl lowers gpu_memory_utilization so).
            var resident = RlStep.ResidentWeights(job, training);
            fraction -= resident / hbm;
            if (fraction < MinServingShare)
                return (null, FormattableString.Invariant(
                    $"rl.trainer: its weights take {resident.GiB:0.0} GiB per GPU, leaving the colocated generators no room; shard them further (zero: 3, or more tp/pp) or use placement: disaggregated"));
        }
        var v = job.Verifier;
        bool rewardOnGenerators = v.Kind == VerifierKind.Model && v.OnGenerators;
        double generatorFraction = fraction;
        if (rewardOnGenerators)
        {
            // The reward model's weights stay resident beside the policy's; the generators' engine gets the rest.
            var rewardWeights = RlReward.Weights(genCluster, precision, job, curve.Mean, g.Gpus, genCal);
            generatorFraction -= rewardWeights / hbm;
            if (generatorFraction < MinServingShare)
                return (null, FormattableString.Invariant(
                    $"rl.verifier: the reward model's weights take {rewardWeights.GiB:0.0} GiB per generator GPU, leaving the generators no room; raise verifier.tp, give it GPUs of its own (gpus: N), or use a smaller reward model"));
        }
        var serving = RlGeneration.ServingModel(model, genCluster, precision, job, g, g.Gpus, generatorFraction, genCal, curve);
        if (RlGeneration.Problem(model, job, g, g.Gpus, serving) is { } why) return (null, $"rl.generator: {why}");
        var generation = RlGeneration.Of(serving, g, g.Gpus, job, curve);
        if (v.Kind != VerifierKind.Model) return (generation, null);
        // Scoring on the generators runs once they are done, in what their weights leave of the engine's share.
        var (reward, bad) = rewardOnGenerators
            ? RlReward.Of(genCluster, precision, job, curve.Mean, g.Gpus, fraction - generation.WeightsPerGpu / hbm, genCal)
            : RlReward.Of(cluster, precision, job, curve.Mean, v.Gpus, InferenceJob.DefaultMemoryFraction, cal);
        return reward is null ? (null, $"rl.verifier: {bad}") : (generation with { Reward = reward }, null);
    }

    /// <summary>
    /// Where the generators run: their own hardware (<see cref="RlGenerator.OwnHardware"/>), else the scenario's. A reward
    /// model on GPUs of its own runs on the scenario's hardware.
    /// </summary>
    public static (Cluster Cluster, HardwareCalibration Calibration) GeneratorHardware(Cluster cluster, HardwareCalibration cal, RlGenerator g) =>
        g.OwnHardware is { } h ? (h.Cluster, h.Calibration) : (cluster, cal);
}
