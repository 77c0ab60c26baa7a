using Augur.CostModels.Communication;
using Augur.CostModels.Memory;
using Augur.CostModels.Run;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Rl;

/// <summary>
/// Composes one RL step from the serving model's rollout and the training model's update; no physics of its own
/// beyond moving bytes over a link. Colocated: every phase in turn on one pool, the trainer's optimizer state offloaded
/// to host memory while generating and the engine's weights while training, weights resharded inside the pool. Disaggregated: the pools take
/// turns, weights cross between them. Asynchronous with staleness k ≥ 1: the pools overlap, and with partial rollouts
/// a response may span k + 1 steps, so the generators' pace is the larger of their full-batch work and 1/(k + 1) of
/// the synchronous makespan.
/// </summary>
public static class RlStep
{
    /// <summary>
    /// Why a placement cannot run on this hardware, or null: offloading needs host memory over a link. Whether what it
    /// offloads fits that memory is the trainer pool's host check (<see cref="TrainerHost"/>), flagged like HBM.
    /// </summary>
    public static string? Problem(RlJob job, Accelerator a) =>
        job.Placement == RlPlacement.Colocated && a.HostMemory is null
            ? $"colocated placement offloads the trainer's optimizer state to host memory, and {a.Id} has no host_memory in the catalog; describe it (hardware: {{base: {a.Id}, host_memory: {{name: ..., gb: ..., gb_s_one_way: ...}}}}) or use placement: disaggregated"
            : null;

    /// <summary>
    /// Host memory a trainer GPU fills at its peak against what it has: the optimizer share on the CPU of every model the pool
    /// trains, a reference policy kept there, and in a colocated pool the turns' peak: the trainer's optimizer state goes
    /// out before the refit while the engine's weights (<paramref name="engineWeights"/>, backed up after generating) are
    /// still there, and the trainer's weights follow once the engine has taken its back (NeMo-RL's
    /// <c>offload_before_refit</c>, <c>wake_up(tags=["weights"])</c>, <c>offload_after_refit</c>), so optimizer state +
    /// the larger of the two weights; zero need where the hardware has no host tier (nothing can go there).
    /// </summary>
    public static (Bytes Need, Bytes Capacity) TrainerHost(RlJob job, RlTraining t, Accelerator a, Bytes engineWeights)
    {
        if (a.HostMemory is not { } host) return (Bytes.Zero, Bytes.Zero);
        var optimizers = TrainedModels(job, t).Aggregate(Bytes.Zero, (sum, m) => sum + m.Model.HostOptimizerBytes(m.Update.Layout));
        var reference = job.Trainer.ReferenceOnHost && job.Algorithm != RlAlgorithm.Dapo ? t.Update.Memory.Weights : Bytes.Zero;
        var optimizer = OptimizerBytes(job, t);
        var turns = job.Placement == RlPlacement.Colocated ? optimizer + Bytes.Max(OffloadBytes(job, t) - optimizer, EngineBackup(job, engineWeights)) : Bytes.Zero;
        return (optimizers + reference + turns, host.Capacity);
    }

    /// <summary>A critic on GPUs of its own: its optimizer share on the CPU against the host memory a GPU has.</summary>
    static (Bytes Need, Bytes Capacity) CriticHost(RlTraining critic, Accelerator a) =>
        a.HostMemory is { } host ? (critic.Model.HostOptimizerBytes(critic.Update.Layout), host.Capacity) : (Bytes.Zero, Bytes.Zero);

    /// <summary>
    /// The trainings of the models the trainer pool updates: the policy, and with PPO its critic (a model of its own, even
    /// when it has the policy's shape and training) unless the critic has GPUs of its own (verl's critic worker group shares
    /// the actor's resource pool; OpenRLHF may give it its own).
    /// </summary>
    static IEnumerable<RlTraining> TrainedModels(RlJob job, RlTraining t) =>
        t.Critic is { } c && job.CriticGpus == 0 ? [t, c] : [t];

    /// <summary>Their memory while updating.</summary>
    static IEnumerable<MemoryBreakdown> Trained(RlJob job, RlTraining t) => TrainedModels(job, t).Select(m => m.Update.Memory);

    static Bytes Sum(IEnumerable<Bytes> parts) => parts.Aggregate(Bytes.Zero, (a, b) => a + b);

    /// <summary>
    /// What a colocated trainer moves to host memory while the pool generates: the optimizer state of every model it
    /// trains, and their weights too with <c>trainer.offload_weights</c> (NeMo-RL's <c>offload_after_refit</c>). The
    /// gradient buffers go nowhere: Megatron's <c>offload_to_cpu</c> (NeMo-RL's <c>move_model</c>) and verl's
    /// <c>offload_megatron_model_to_cpu</c> free them (<c>grad_data.storage().resize_(0)</c>) and zero them on the way
    /// back (NVIDIA/Megatron-LM megatron/core/distributed/param_and_grad_buffer.py @ d98e8a64dd; verl
    /// verl/utils/megatron_utils.py @ 65c59c719).
    /// </summary>
    public static Bytes OffloadBytes(RlJob job, RlTraining t) =>
        Sum(Trained(job, t).Select(m => m.Optimizer + (job.Trainer.OffloadWeights ? m.Weights : Bytes.Zero)));

    /// <summary>
    /// The colocated pool's moves to host memory and back around generation: the trainer's (<see cref="OffloadBytes"/>)
    /// over the host link each way, but the optimizer state's way out, which NeMo-RL copies tensor by tensor into freshly
    /// allocated pageable memory (megatron_policy_worker.py <c>move_optimizer</c>, <c>v.to("cpu")</c>;
    /// <see cref="MemoryTierSpec.FreshPageable"/>) unless it goes to pinned memory (<see cref="RlTrainer.OffloadPinned"/>);
    /// and the engine's weights, backed up to the host after the rollout and copied back before the refit when it keeps
    /// them (<see cref="RlGenerator.KeepsWeightsOnHost"/>). The ways back, into memory already faulted in or pinned, run
    /// at the link rate.
    /// </summary>
    static double OffloadSeconds(RlJob job, RlTraining t, Bytes engineWeights, MemoryTierSpec host)
    {
        var all = OffloadBytes(job, t);
        var pageable = job.Trainer.OffloadPinned ? Bytes.Zero : OptimizerBytes(job, t);
        return ((2 * (all + EngineBackup(job, engineWeights)) - pageable) / host.Bandwidth + host.ToFreshPageable(pageable)).Value;
    }

    /// <summary>The optimizer state of every model the trainer updates, per GPU.</summary>
    static Bytes OptimizerBytes(RlJob job, RlTraining t) => Sum(Trained(job, t).Select(m => m.Optimizer));

    /// <summary>The engine's weights per GPU it backs up to host memory while the trainer runs (<see cref="RlGenerator.KeepsWeightsOnHost"/>).</summary>
    static Bytes EngineBackup(RlJob job, Bytes engineWeights) => job.Generator.KeepsWeightsOnHost ? engineWeights : Bytes.Zero;

    /// <summary>Weights of the models the trainer updates, per GPU.</summary>
    static Bytes TrainerWeights(RlJob job, RlTraining t) => Sum(Trained(job, t).Select(m => m.Weights));

    /// <summary>Weights of the models the trainer updates, which a colocated pool keeps resident while it generates unless it offloads them.</summary>
    public static Bytes ResidentWeights(RlJob job, RlTraining t) => job.Trainer.OffloadWeights ? Bytes.Zero : TrainerWeights(job, t);

    /// <summary>
    /// The trainer pool's memory per GPU while updating: the policy's update, the frozen reference's weights (not
    /// DAPO, nor when it lives in host memory), and PPO's critic (its weights, gradients and optimizer state; activations the larger of the two models',
    /// as they train in turn).
    /// </summary>
    public static MemoryBreakdown TrainingMemory(RlJob job, RlTraining t)
    {
        var m = t.Update.Memory;
        var reference = job.Algorithm == RlAlgorithm.Dapo || job.Trainer.ReferenceOnHost ? Bytes.Zero : m.Weights;
        var models = Trained(job, t).ToList();
        return m with
        {
            Weights = Sum(models.Select(x => x.Weights)) + reference, Gradients = Sum(models.Select(x => x.Gradients)),
            Optimizer = Sum(models.Select(x => x.Optimizer)), Activations = new(models.Max(x => x.Activations.Value)),
        };
    }

    /// <summary>
    /// The trainer's passes of a step, seconds: log-probabilities (the old policy's unless the job skips it, and the
    /// reference's unless DAPO, with its swap in from host memory when it lives there),
    /// PPO's critic (its value pass and its update, at the critic model's size), and the policy update. A critic on GPUs
    /// of its own scores beside the log-probability passes and trains beside the policy (OpenRLHF launches the critic's
    /// values with the actor's and the reference's, and its fit with the actor's, openrlhf/trainer/ppo_trainer.py
    /// ppo_train @ 3c3be623), so the step pays only what each of its passes outlasts the policy's.
    /// </summary>
    public static (double LogProbs, double Critic, double Update) TrainerPasses(RlJob job, RlTraining t)
    {
        int passes = (job.Trainer.OldPolicyLogProbs ? 1 : 0) + (job.Algorithm == RlAlgorithm.Dapo ? 0 : 1);
        double logProbs = t.Forward.Value * passes + t.ReferenceSwap.Value, update = t.UpdateTime.Value;
        double critic = t.Critic is not { } c ? 0
            : job.CriticGpus > 0 ? Math.Max(0, c.Forward.Value - logProbs) + Math.Max(0, c.UpdateTime.Value - update)
            : c.Forward.Value + c.UpdateTime.Value;
        return (logProbs, critic, update);
    }

    /// <summary>
    /// Weights to every generator GPU: a pipelined broadcast delivers each receiver its shard at its link rate
    /// (<see cref="Collectives.SendRecv"/>), over scale-out when the GPUs involved span more than one scale-up domain.
    /// </summary>
    public static (double Seconds, string Tier) WeightSync(in Fabric fabric, Bytes perGeneratorGpu, int gpusInvolved)
    {
        bool across = gpusInvolved > fabric.DomainSize;
        return (Collectives.SendRecv(fabric, perGeneratorGpu.Value, across ? fabric.DomainSize : 1), across ? "scale-out" : "scale-up");
    }

    /// <summary>
    /// Weights to generators on hardware of their own: the two pools sit in different systems and share only the
    /// scale-out network between them, so each generator GPU receives its shard at the slower side's NIC rate (each
    /// side's achieved scale-out rate per GPU), after the larger of their latencies.
    /// </summary>
    public static double CrossSync(in Fabric trainer, in Fabric generators, Bytes perGeneratorGpu) =>
        Collectives.Send(SharedLink(trainer, generators), perGeneratorGpu.Value);

    /// <summary>
    /// Weight sync to generators on hardware of their own: each generator GPU takes its shard over the link the two pools
    /// share, or, when the trainer exports whole tensors (<see cref="RlRefit"/>), the whole model once the export is done.
    /// </summary>
    static double OwnHardwareSync(in Fabric trainer, in Fabric generators, RlJob job, RlGeneration gen, RlTraining train)
    {
        if (!job.Trainer.GatherWeights) return CrossSync(trainer, generators, gen.WeightsPerGpu);
        var m = gen.Model.Model;
        return Math.Max(RlRefit.Export(trainer, train, m).Seconds, Collectives.Send(SharedLink(trainer, generators), RlRefit.WholeModel(m)));
    }

    /// <summary>
    /// One bucket of a double-buffered refit: its share of what the GPU has free while both the engine's weights (woken
    /// for the update) and the trainer's (offloaded only after it) are on it.
    /// </summary>
    static double RefitBucket(RlJob job, RlGeneration gen, RlTraining train, Bytes hbm) =>
        RlRefit.BucketShareOfFreeMemory * Math.Max(0, (hbm - gen.WeightsPerGpu - TrainerWeights(job, train)).Value);

    /// <summary>The weight update's time, the host pass inside it, and the network tier it crosses.</summary>
    static (double Seconds, double Host, string Tier) Refit(in Fabric fabric, RlJob job, RlGeneration gen, RlTraining train, bool colocated, int gpus, Bytes hbm)
    {
        if (job.Generator.OwnHardware is { } own)
            return (OwnHardwareSync(fabric, new Fabric(own.Cluster, own.Calibration), job, gen, train), 0, "scale-out");
        if (job.Trainer.GatherWeights) return RlRefit.Gathered(fabric, gen, train, colocated, colocated && job.Trainer.RefitOverlap ? RefitBucket(job, gen, train, hbm) : null);
        var (seconds, tier) = WeightSync(fabric, gen.WeightsPerGpu, gpus);
        return (seconds, 0, tier);
    }

    /// <summary>The link the two pools share: the slower scale-out rate and the larger latency of the two sides.</summary>
    public static NetworkTier SharedLink(in Fabric trainer, in Fabric generators) =>
        new(Math.Min(trainer.ScaleOut.BytesPerSecond, generators.ScaleOut.BytesPerSecond), Math.Max(trainer.ScaleOut.LatencySeconds, generators.ScaleOut.LatencySeconds));

    /// <summary>
    /// Each verifier's cost over a step: the work of scoring its share of every generation round's samples, and one
    /// sample's check alone. A rule runs a sample's CPU seconds over its cores, a sandbox its latency over its
    /// concurrency, a reward model its prefill (<see cref="RlReward"/>); each on resources of its own, so a list runs
    /// side by side.
    /// </summary>
    public static IReadOnlyList<VerifierCost> Verification(RlJob job, RlReward? reward) =>
        job.Verifiers.Select(v =>
        {
            double samples = job.Samples * v.Share;
            var (work, perSample) = v.Kind switch
            {
                VerifierKind.Rule => (samples * v.CpuSeconds / v.CpuCores, v.CpuSeconds),
                VerifierKind.Sandbox => (samples * v.LatencySeconds / v.Concurrency, v.LatencySeconds),
                _ => reward is { } r ? (r.Work.Value, r.PerSample.Value) : throw new ArgumentException("a model verifier's reward model was not set up (RlSetup.Generator)"),
            };
            return new VerifierCost(v, work * job.GenerationRounds, perSample);
        }).ToList();

    /// <param name="makespan">A simulated rollout makespan to use instead of the closed form's; null for the estimate.</param>
    public static RlEstimate Compose(RlJob job, Cluster cluster, HardwareCalibration cal, RunEconomics run,
        RlGeneration gen, RlTraining train, double? makespan = null)
    {
        var rollout = gen.Rollout;
        // Dynamic sampling: every expected generation round is a rollout of the whole batch (its own tail included).
        double rounds = job.GenerationRounds;
        double synchronous = (makespan ?? rollout.Makespan) * rounds;
        bool colocated = job.Placement == RlPlacement.Colocated;
        bool overlapped = job.Placement == RlPlacement.Asynchronous && job.Staleness > 0;
        double generation = overlapped ? Math.Max(rollout.Work * rounds, synchronous / (job.Staleness + 1)) : synchronous;

        // Scoring on GPUs of its own or CPUs follows generation as samples finish; a reward model on the generators'
        // GPUs scores once they are done, on their time. Verifiers of a list run side by side, each on its own resources.
        var checks = Verification(job, gen.Reward);
        bool scoresOnGenerators = gen.Reward is not null && job.Verifier.OnGenerators;
        bool OnGenerators(VerifierCost c) => scoresOnGenerators && c.Verifier.Kind == VerifierKind.Model;
        var onGenerators = checks.Where(OnGenerators).ToList();
        var beside = checks.Where(c => !OnGenerators(c)).ToList();
        double scoring = onGenerators.Sum(c => c.Work);
        double besideWork = beside.Count > 0 ? beside.Max(c => c.Work) : 0;
        double exposed = beside.Count == 0 || overlapped ? 0 : beside.Max(c => c.PerSample) + Math.Max(0, besideWork - generation);
        double verification = Math.Max(scoring, exposed);

        var (logProbs, critic, update) = TrainerPasses(job, train);

        int genGpus = job.Generator.Gpus, trainGpus = job.Trainer.Gpus;
        int gpus = colocated ? genGpus : genGpus + trainGpus;
        var fabric = new Fabric(cluster, cal);
        var own = job.Generator.OwnHardware;
        var (sync, syncHost, tier) = Refit(fabric, job, gen, train, colocated, gpus, cluster.Accelerator.HbmCapacity);
        double offload = colocated && cluster.Accelerator.HostMemory is { } host ? OffloadSeconds(job, train, gen.WeightsPerGpu, host) : 0;

        var phases = new RlPhases
        {
            Generation = new(generation), Verification = new(verification), LogProbs = new(logProbs), Critic = new(critic),
            Training = new(update), WeightSync = new(sync), Offload = new(offload),
        };
        // A colocated pool is one set of GPUs in two roles: it computes in both and waits on scoring, resharding and offload.
        double computing = generation + scoring + logProbs + critic + update;
        double genBusy = generation + scoring + sync;
        double trainBusy = logProbs + critic + update + sync;
        double step = colocated ? generation + verification + logProbs + critic + update + sync + offload
            : overlapped ? Math.Max(Math.Max(Math.Max(genBusy, trainBusy), besideWork), PerStepCycle(job, synchronous, trainBusy, rollout.GroupLatency, sync))
            : generation + verification + logProbs + critic + update + sync;

        // Memory: a colocated pool keeps the trainer's weights resident while generating (the serving engine got
        // the rest of HBM); the training phase holds the trainer's state and the reference weights, sharded alike.
        var resident = (colocated ? ResidentWeights(job, train) : Bytes.Zero) + (scoresOnGenerators ? gen.Reward!.WeightsPerGpu : Bytes.Zero);
        var genMemory = gen.Memory with { Weights = gen.Memory.Weights + resident };
        var trainMemory = TrainingMemory(job, train);
        var hbm = cluster.Accelerator.HbmCapacity;
        var genHbm = own?.Cluster.Accelerator.HbmCapacity ?? hbm;

        double generated = job.Samples * rounds * rollout.MeanResponse;
        double trained = job.Samples * (job.Prompt.Mean + rollout.MeanResponse);
        var economics = GpuEconomics.Of(run, cluster.Accelerator);
        var time = new Seconds(step * job.Steps);
        int held = gpus + job.Verifier.OwnGpus + job.CriticGpus;
        double rewardWork = beside.Where(c => c.Verifier.Kind == VerifierKind.Model).Sum(c => c.Work);
        var (cost, energy) = own is null ? (economics.Cost(held, time), economics.Energy(held, time)) : PoolEconomics(run, cluster, own, genGpus, held - genGpus, time);
        var verifier = gen.Reward is { } reward && !scoresOnGenerators
            ? new RlPool("verifier", reward.Gpus, new(rewardWork), new(step - rewardWork), reward.Memory, hbm) : null;
        var criticPool = job.CriticGpus > 0 && train.Critic is { } c && (c.Forward + c.UpdateTime) is var criticBusy
            ? new RlPool("critic", job.CriticGpus, criticBusy, new(step - criticBusy.Value), c.Update.Memory, hbm) { Host = CriticHost(c, cluster.Accelerator) } : null;
        return new RlEstimate
        {
            Job = job, Generation = gen, Training = train, Phases = phases, StepTime = new(step),
            Generators = new RlPool("generators", genGpus, new(colocated ? computing : genBusy), new(step - (colocated ? computing : genBusy)), genMemory, genHbm),
            Trainer = new RlPool("trainer", trainGpus, new(colocated ? computing : trainBusy), new(step - (colocated ? computing : trainBusy)), trainMemory, hbm)
            {
                Host = TrainerHost(job, train, cluster.Accelerator, gen.WeightsPerGpu),
            },
            Verifier = verifier, CriticPool = criticPool, Verifiers = checks, Gpus = held, SyncTier = tier,
            SyncBytesPerGpu = job.Trainer.GatherWeights ? new Bytes(RlRefit.WholeModel(gen.Model.Model)) : gen.WeightsPerGpu,
            SyncHost = new(syncHost),
            SamplesPerSecond = job.Samples / step, GeneratedTokensPerSecond = generated / step, TrainedTokensPerSecond = trained / step,
            Run = new RlRun(job.Steps, time, held * time.Hours, cost, energy),
            Simulated = makespan is not null,
        };
    }

    /// <summary>
    /// The bounds a per-step asynchronous rollout (<see cref="RlAsyncRollout.PerStep"/>) puts on a step, with staleness k.
    /// Step n + k + 1's prompts start only once step n's weights are synced, and it trains only once the last of them is
    /// done, so k + 1 steps hold one whole rollout (<paramref name="synchronous"/>, its tail included) and one trainer turn
    /// (<paramref name="trainBusy"/>: its passes and the sync). And at most k steps' prompt groups are in flight, so a
    /// step's last group starts only as an earlier one ends: each k steps hold one group's time in flight
    /// (<paramref name="groupLatency"/>), and every step the refit (<paramref name="sync"/>), during which the engine
    /// loads weights instead of decoding. NeMo-RL's trajectory collector reserves a target step only within
    /// max_trajectory_age_steps of the generators' weight version, caps its in-flight prompt groups at num_prompts_per_step
    /// × max_trajectory_age_steps and pauses new starts through the refit, which reaches vLLM as a collective_rpc to its
    /// workers; the training loop samples only that step's groups (nemo_rl/algorithms/async_utils/trajectory_collector.py,
    /// algorithms/grpo.py <c>async_grpo_train</c>, models/generation/vllm/vllm_worker_async.py
    /// <c>update_weights_from_collective_async</c>, NVIDIA-NeMo/RL @ 66059ab4d). Zero for continuous generation.
    /// </summary>
    public static double PerStepCycle(RlJob job, double synchronous, double trainBusy, double groupLatency, double sync) =>
        job.AsyncRollout == RlAsyncRollout.PerStep && job.Staleness > 0
            ? Math.Max((synchronous + trainBusy) / (job.Staleness + 1), groupLatency / job.Staleness + sync) : 0;

    /// <summary>Generators on hardware of their own: each pool's GPUs at their own price and power.</summary>
    static (Dollars Cost, Joules Energy) PoolEconomics(RunEconomics run, Cluster cluster, RlPoolHardware generators, int generatorGpus, int otherGpus, Seconds time)
    {
        var rest = GpuEconomics.Of(run, cluster.Accelerator);
        var gen = GpuEconomics.Of(run with { UsdPerGpuHour = generators.UsdPerGpuHour }, generators.Cluster.Accelerator);
        return (rest.Cost(otherGpus, time) + gen.Cost(generatorGpus, time), rest.Energy(otherGpus, time) + gen.Energy(generatorGpus, time));
    }
}
