using System.Text.Json.Nodes;
using Augur.CostModels.Rl;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Units;
using Augur.Reports.Training;
using Augur.Simulation.Serving;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Rl;

/// <summary>Tables and JSON for one costed RL step (and its simulated rollout).</summary>
public static class RlReport
{
    static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    public static IRenderable[] Tables(Scenario s, RlEstimate e)
    {
        var job = e.Job;
        var acc = s.Cluster.Accelerator;
        var head = Render.Table("metric", "value");
        head.AddRow("model", s.Model.Name);
        var own = job.Generator.OwnHardware;
        head.AddRow("hardware", $"{Format.N(e.Gpus - (own is null ? 0 : job.Generator.Gpus), "0")} × {SystemOf(s.Cluster)}{(own is null ? "" : ", for the " + Others(job))}");
        if (own is not null) head.AddRow("generator hardware", $"{Format.N(job.Generator.Gpus, "0")} × {SystemOf(own.Cluster)}");
        head.AddRow("algorithm / placement", $"{Label(job.Algorithm)} / {Placement(job)}");
        head.AddRow("samples per step", $"{Format.N(job.Samples, "#,0")} ({Format.N(job.PromptsPerStep, "#,0")} prompts × {Format.N(job.SamplesPerPrompt, "0")})");
        head.AddRow("generators", $"{Format.N(job.Generator.Gpus, "0")} GPUs, {Generators(e)}, batch {Format.N(e.Generation.Rollout.Batch, "0")} of {Format.N(e.Generation.Rollout.SamplesPerReplica, "0")} samples per {(e.Generation.PrefillReplicas > 0 ? "decode " : "")}replica{Format.Eager(job.Generator.CudaGraphs)}");
        if (job.FilteredFraction is { } f)
            head.AddRow("dynamic sampling", FormattableString.Invariant(
                $"{Format.Pct(f)} of prompt groups filtered out: {Format.N(job.GenerationRounds, "0.##")} generation rounds, {Format.N(job.Samples * job.GenerationRounds, "#,0")} samples generated and scored for {Format.N(job.Samples, "#,0")} trained"));
        head.AddRow("trainer", $"{Format.N(job.Trainer.Gpus, "0")} GPUs, {e.Training.Update.Layout}");
        if (CriticShown(job) && e.Training.Critic is { } c)
            head.AddRow("critic", $"{(job.Critic ?? s.Model).Name} {CriticWhere(job, c)}: {Format.Seconds(c.Forward.Value)} value pass + {Format.Seconds(c.UpdateTime.Value)} update (the policy's update {Format.Seconds(e.Training.UpdateTime.Value)})");
        if (e.Generation.Reward is { } rm)
            head.AddRow("reward model", FormattableString.Invariant(
                $"{job.Verifier.RewardModel!.Name}, {rm.Layout.Describe()} on {(job.Verifier.OnGenerators ? "the generators' GPUs after generating" : $"{rm.Gpus} GPUs of its own")}; {Format.Seconds(RewardWork(e))} to score the step ({Format.Seconds(rm.PerSample.Value)} per sample alone)"));
        if (job.MoreVerifiers.Count > 0)
            head.AddRow("verifiers", string.Join("; ", e.Verifiers.Select(v =>
                $"{Kind(v.Verifier)} on {(v.Verifier.Share < 1 ? Format.Pct(v.Verifier.Share) + " of" : "every")} sample{(v.Verifier.Share < 1 ? "s" : "")}, {Format.Seconds(v.Work)} of work ({Format.Seconds(v.PerSample)} per sample)")) + ", side by side");
        head.AddRow("step time", Format.Seconds(e.StepTime.Value) + (e.Simulated ? " (rollout simulated)" : ""));
        head.AddRow("samples/s", Format.N(e.SamplesPerSecond, "0.##"));
        head.AddRow("generated tokens/s", Format.N(e.GeneratedTokensPerSecond, "#,0"));
        head.AddRow("trained tokens/s", Format.N(e.TrainedTokensPerSecond, "#,0"));
        head.AddRow("longest / mean response", $"{Format.N(e.Generation.Rollout.LongestResponse, "#,0")} / {Format.N(e.Generation.Rollout.MeanResponse, "#,0")} tokens");
        head.AddRow("long tail costs", $"{Format.Seconds(e.Tail.Value)} of the synchronous rollout{(job.FilteredFraction is null ? "" : " of each round")} ({Format.Seconds(e.Generation.Rollout.Makespan)} makespan vs {Format.Seconds(e.Generation.Rollout.Work)} at a full batch)");
        head.AddRow("weight sync", $"{Format.N(e.SyncBytesPerGpu.GB, "0.00")} GB per generator GPU over {e.SyncTier}{(own is null ? "" : " " + SharedNic(s.Cluster, own.Cluster))}"
            + (e.SyncHost.Value > 0 ? $"; {Format.Seconds(e.SyncHost.Value)} of it the host's pass over {Format.N(RlRefit.Tensors(e.Generation.Model.Model), "#,0")} tensors" : ""));

        var phases = Render.Table("step phase", "seconds", "share of step");
        foreach (var (name, part) in e.Phases.Parts())
            if (part.Value > 0) phases.AddRow(name, Format.N(part.Value, "0.###"), Format.Pct(part / e.StepTime));

        var pools = Render.Table("pool", "GPUs", "busy", "idle", "utilisation", "memory per GPU (phase peak)");
        foreach (var p in Pools(e))
            pools.AddRow(p.Name, p.Gpus.ToString(Inv), Format.Seconds(p.Busy.Value), Format.Seconds(p.Idle.Value), Format.Pct(p.Utilization(e.StepTime)),
                $"{Format.N(p.Memory.Total.GiB, "0.0")} GiB of {Format.N(p.Capacity.GiB, "0.0")} ({(p.HbmFits ? "fits" : "DOES NOT FIT")})"
                + (p.Host.Need.Value > 0 ? $"; host {Format.N(p.Host.Need.GiB, "0.0")} GiB of {Format.N(p.Host.Capacity.GiB, "0.0")} ({(p.HostFits ? "fits" : "DOES NOT FIT")})" : ""));

        var run = Render.Table("whole run", "value");
        run.AddRow("steps", e.Run.Steps.ToString("N0", Inv));
        run.AddRow("time", Format.Seconds(e.Run.Time.Value));
        run.AddRow("GPU-hours", Format.N(e.Run.GpuHours, "#,0"));
        run.AddRow("cost", e.Run.Cost.Value > 0 ? "$" + Format.N(e.Run.Cost.Value, "#,0") + $" (${Format.N(e.CostPerStep, "#,0.##")} per step{(own is null ? "" : $"; generators ${Format.N(own.UsdPerGpuHour, "0.00")}, {Others(job)} ${Format.N(s.Run.UsdPerGpuHour, "0.00")} per GPU-hour")})" : "no price (set run.usd_per_gpu_hour)");
        run.AddRow("energy", Format.Energy(e.Run.Energy));
        var items = new List<IRenderable> { head, phases, pools };
        if (!e.Fits) items.Insert(0, Render.Line(Pools(e).All(p => p.HbmFits)
            ? "DOES NOT FIT: the trainer needs more host memory per GPU than it has (see the pool table); " + HostFix(job)
            : "DOES NOT FIT: a pool needs more memory per GPU than it has (see the pool table); shard the trainer further, raise generator tp, or add GPUs"));
        else items.Add(run);
        return items.ToArray();
    }

    /// <summary>What lowers the trainer's host memory: its optimizer share there, more GPUs, and colocated, what it offloads.</summary>
    static string HostFix(RlJob job) =>
        (job.Trainer.OptimizerOffload > 0 ? "lower rl.trainer.optimizer_offload, " : "") + "add trainer GPUs"
        + (job.Placement != RlPlacement.Colocated ? ""
            : job.Trainer.OffloadWeights ? ", leave the weights on the GPUs (offload_weights: false), or use placement: disaggregated"
            : ", set rl.generator.sleep_level: 2 if the engine drops its weights, or use placement: disaggregated (a colocated trainer offloads its optimizer state there while generating, and the engine its weights while training)");

    /// <summary>The simulated rollout beside the closed form, then the step with the simulated makespan.</summary>
    public static IRenderable[] SimulationTables(Scenario s, RlEstimate estimate, RlEstimate simulated, ServingResult rollout, int longest)
    {
        var t = Render.Table("rollout", "closed form", "simulated");
        t.AddRow("generation makespan", Format.Seconds(estimate.Generation.Rollout.Makespan), Format.Seconds(rollout.Makespan.Value));
        t.AddRow("step time", Format.Seconds(estimate.StepTime.Value), Format.Seconds(simulated.StepTime.Value));
        t.AddRow("samples/s", Format.N(estimate.SamplesPerSecond, "0.##"), Format.N(simulated.SamplesPerSecond, "0.##"));
        t.AddRow("longest response", estimate.Generation.Rollout.LongestResponse.ToString("N0", Inv), longest.ToString("N0", Inv));
        t.AddRow("preemptions", "", rollout.Preemptions.ToString("N0", Inv));
        return [t, .. Tables(s, simulated)];
    }

    /// <summary>The pools on the scenario's hardware when the generators have their own.</summary>
    static string Others(RlJob job) => job.Verifier.OwnGpus > 0 ? "trainer and reward model" : "trainer";

    static string SystemOf(Cluster c) =>
        $"{c.Accelerator.Id} ({c.SystemName}; scale-up domain {c.ScaleUpDomain.ToString(Inv)}{Format.Hypothetical(c.Accelerator)})";

    /// <summary>Pools on two kinds of hardware share the scale-out network between them: the slower NIC sets the rate.</summary>
    static string SharedNic(Cluster trainer, Cluster generators) =>
        $"between the pools at {Format.N(SharedNicRate(trainer, generators).GBps, "0.#")} GB/s per GPU, the slower NIC of the two (trainer {Format.N(trainer.ScaleOutPerGpu.GBps, "0.#")}, generators {Format.N(generators.ScaleOutPerGpu.GBps, "0.#")} GB/s per GPU, one direction)";

    static Bandwidth SharedNicRate(Cluster trainer, Cluster generators) =>
        trainer.ScaleOutPerGpu.GBps <= generators.ScaleOutPerGpu.GBps ? trainer.ScaleOutPerGpu : generators.ScaleOutPerGpu;

    public static JsonObject Json(Scenario s, RlEstimate e)
    {
        var job = e.Job;
        var phases = new JsonObject();
        foreach (var (name, part) in e.Phases.Parts()) phases[name + "_s"] = JsonOut.Num(part.Value);
        var o = new JsonObject
        {
            ["workload"] = "rl",
            ["model"] = s.Model.Name,
            ["hardware"] = s.Cluster.Accelerator.Id,
            ["gpus"] = e.Gpus,
            ["precision"] = s.Precision.Label(),
            ["algorithm"] = Label(job.Algorithm),
            ["placement"] = job.Placement.ToString().ToLowerInvariant(),
            ["staleness"] = job.Staleness,
            ["async_rollout"] = job.Placement == RlPlacement.Asynchronous ? AsyncRollout(job.AsyncRollout) : null,
            ["samples_per_step"] = job.Samples,
            ["generator"] = GeneratorJson(e),
            ["trainer"] = new JsonObject { ["gpus"] = job.Trainer.Gpus, ["layout"] = TrainingReport.LayoutJson(e.Training.Update) },
            ["step_time_s"] = JsonOut.Num(e.StepTime.Value),
            ["rollout_simulated"] = e.Simulated,
            ["phases"] = phases,
            ["rollout_makespan_s"] = JsonOut.Num(e.Generation.Rollout.Makespan),
            ["rollout_full_batch_s"] = JsonOut.Num(e.Generation.Rollout.Work),
            ["tail_s"] = JsonOut.Num(e.Tail.Value),
            ["longest_response_tokens"] = e.Generation.Rollout.LongestResponse,
            ["mean_response_tokens"] = JsonOut.Num(e.Generation.Rollout.MeanResponse),
            ["weight_sync_gb_per_gpu"] = JsonOut.Num(e.SyncBytesPerGpu.GB),
            ["weight_sync_tier"] = e.SyncTier,
            ["weight_sync_host_s"] = JsonOut.Num(e.SyncHost.Value),
            ["samples_per_s"] = JsonOut.Num(e.SamplesPerSecond),
            ["generated_tokens_per_s"] = JsonOut.Num(e.GeneratedTokensPerSecond),
            ["trained_tokens_per_s"] = JsonOut.Num(e.TrainedTokensPerSecond),
            ["pools"] = new JsonArray(Pools(e).Select(p => (JsonNode)PoolJson(p, e.StepTime)).ToArray()),
            ["fits"] = e.Fits,
            ["steps"] = e.Run.Steps,
            ["time_s"] = JsonOut.Num(e.Run.Time.Value),
            ["gpu_hours"] = JsonOut.Num(e.Run.GpuHours),
            ["cost_usd"] = JsonOut.Num(e.Run.Cost.Value),
            ["cost_usd_per_step"] = JsonOut.Num(e.CostPerStep),
            ["energy_mwh"] = JsonOut.Num(e.Run.Energy.MegawattHours),
        };
        if (job.Generator.OwnHardware is { } own)
        {
            o.Insert(o.IndexOf("generator") + 1, "generator_hardware", new JsonObject
            {
                ["hardware"] = own.Cluster.Accelerator.Id, ["system"] = own.Cluster.SystemName, ["gpus"] = job.Generator.Gpus,
                ["usd_per_gpu_hour"] = JsonOut.Num(own.UsdPerGpuHour), ["scale_out_gb_s_per_gpu"] = JsonOut.Num(own.Cluster.ScaleOutPerGpu.GBps),
            });
            o.Insert(o.IndexOf("weight_sync_tier") + 1, "weight_sync_nic_gb_s_per_gpu", JsonOut.Num(SharedNicRate(s.Cluster, own.Cluster).GBps));
        }
        if (e.Generation.Reward is { } rm)
            o.Insert(o.IndexOf("trainer") + 1, "reward_model", new JsonObject
            {
                ["model"] = job.Verifier.RewardModel!.Name, ["tp"] = rm.Layout.Tp, ["replicas"] = rm.Layout.Replicas, ["gpus"] = rm.Gpus,
                ["on_generators"] = job.Verifier.OnGenerators, ["scoring_s"] = JsonOut.Num(RewardWork(e)), ["per_sample_s"] = JsonOut.Num(rm.PerSample.Value),
            });
        if (CriticShown(job) && e.Training.Critic is { } c)
        {
            var critic = new JsonObject
            {
                ["model"] = (job.Critic ?? s.Model).Name, ["value_pass_s"] = JsonOut.Num(c.Forward.Value), ["update_s"] = JsonOut.Num(c.UpdateTime.Value),
            };
            if (job.CriticLayout is { } layout)
            {
                critic["gpus"] = layout.Gpus;
                critic["own_pool"] = layout.OwnPool;
                critic["layout"] = c.Update.Layout.ToString();
            }
            o.Insert(o.IndexOf("trainer") + 1, "critic", critic);
        }
        if (job.FilteredFraction is { } f)
            o.Insert(o.IndexOf("samples_per_step") + 1, "dynamic_sampling", new JsonObject
            {
                ["filtered_fraction"] = JsonOut.Num(f), ["generation_rounds"] = JsonOut.Num(job.GenerationRounds),
                ["generated_samples_per_step"] = JsonOut.Num(job.Samples * job.GenerationRounds),
            });
        if (job.MoreVerifiers.Count > 0)
            o.Insert(o.IndexOf("step_time_s"), "verifiers", new JsonArray(e.Verifiers.Select(v => (JsonNode)new JsonObject
            {
                ["kind"] = Kind(v.Verifier), ["share"] = JsonOut.Num(v.Verifier.Share), ["work_s"] = JsonOut.Num(v.Work), ["per_sample_s"] = JsonOut.Num(v.PerSample),
            }).ToArray()));
        return o;
    }

    /// <summary>The reward model's work over the step: its share of the samples, every generation round.</summary>
    static double RewardWork(RlEstimate e) => e.Verifiers.First(v => v.Verifier.Kind == VerifierKind.Model).Work;

    static string Kind(RlVerifier v) => v.Kind.ToString().ToLowerInvariant();

    /// <summary>The generator layout, with the prefill/decode split of disaggregated generators.</summary>
    public static string Generators(RlEstimate e) => e.Generation.Layout.Describe() + (e.Generation.PrefillReplicas is var p and > 0
        ? FormattableString.Invariant($" ({p} prefill + {e.Generation.Layout.Replicas - p} decode)") : "");

    static IEnumerable<RlPool> Pools(RlEstimate e) => new[] { e.Generators, e.Trainer, e.Verifier, e.CriticPool }.OfType<RlPool>();

    /// <summary>A critic is shown when the scenario names its model or gives it a layout of its own.</summary>
    static bool CriticShown(RlJob job) => job.Critic is not null || job.CriticLayout is not null;

    static string CriticWhere(RlJob job, RlTraining c) => job.CriticLayout switch
    {
        null => "on the trainer's GPUs",
        { OwnPool: true } own => $"on {own.Gpus} GPUs of its own, {c.Update.Layout}",
        _ => $"on the trainer's GPUs, {c.Update.Layout}",
    };

    static JsonObject GeneratorJson(RlEstimate e)
    {
        var g = e.Generation.Layout;
        var o = new JsonObject { ["gpus"] = e.Job.Generator.Gpus, ["tp"] = g.Tp, ["pp"] = g.Pp, ["ep"] = g.Ep, ["dp_attention"] = g.DpAttention, ["replicas"] = g.Replicas, ["batch"] = e.Generation.Rollout.Batch };
        if (e.Generation.PrefillReplicas is var p and > 0)
        {
            o["mode"] = "disaggregated";
            o["prefill_replicas"] = p;
            o["decode_replicas"] = g.Replicas - p;
        }
        if (!e.Job.Generator.CudaGraphs) o["cuda_graphs"] = false;
        return o;
    }

    public static JsonObject SimulationJson(Scenario s, RlEstimate estimate, RlEstimate simulated, ServingResult rollout, int longest)
    {
        var o = Json(s, simulated);
        o["estimate_step_time_s"] = JsonOut.Num(estimate.StepTime.Value);
        o["estimate_rollout_makespan_s"] = JsonOut.Num(estimate.Generation.Rollout.Makespan);
        o["simulated_rollout_makespan_s"] = JsonOut.Num(rollout.Makespan.Value);
        o["simulated_longest_response_tokens"] = longest;
        o["preemptions"] = rollout.Preemptions;
        return o;
    }

    static JsonObject PoolJson(RlPool p, Seconds step)
    {
        var mem = new JsonObject();
        foreach (var (name, size) in p.Memory.Parts()) mem[name] = JsonOut.Num(size.GiB);
        var o = new JsonObject
        {
            ["name"] = p.Name, ["gpus"] = p.Gpus, ["busy_s"] = JsonOut.Num(p.Busy.Value), ["idle_s"] = JsonOut.Num(p.Idle.Value),
            ["utilization"] = JsonOut.Num(p.Utilization(step)), ["memory_gib_per_gpu"] = JsonOut.Num(p.Memory.Total.GiB),
            ["memory_breakdown_gib"] = mem, ["fits"] = p.Fits,
        };
        if (p.Host.Need.Value > 0) o["host_gib_per_gpu"] = JsonOut.Num(p.Host.Need.GiB);
        return o;
    }

    public static string Label(RlAlgorithm a) => a.ToString().ToUpperInvariant();

    public static string Placement(RlJob job) => job.Placement == RlPlacement.Asynchronous
        ? "asynchronous, staleness " + job.Staleness.ToString(Inv) + (job.AsyncRollout == RlAsyncRollout.PerStep ? ", per-step batches" : "")
        : job.Placement.ToString().ToLowerInvariant();

    /// <summary>The scenario's word for an asynchronous rollout mode (rl.async_rollout).</summary>
    public static string AsyncRollout(RlAsyncRollout r) => r == RlAsyncRollout.PerStep ? "per_step" : "continuous";
}
