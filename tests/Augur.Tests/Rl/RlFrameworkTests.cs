using Augur.Catalog.Loading;
using Augur.CostModels.Communication;
using Augur.CostModels.Rl;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Tests.Cli;

namespace Augur.Tests.Rl;

/// <summary>What NeMo-RL's code does besides generating and training: optimizer steps per global batch, whole-tensor
/// refit, and the in-flight cap of asynchronous generation.</summary>
public class RlFrameworkTests
{
    /// <summary>Qwen3-32B in bf16: 32,762,057,728 parameters × 2 bytes (worked out by hand in RlTests).</summary>
    const double Model = 32_762_057_728.0 * 2;

    static string Yaml(string placement, string pools, int prompts = 512, string response = "{mean: 6000, spread: 0.8, max: 16384}", string extra = "") =>
        $"workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {{gpus: 64}}\nprecision: bf16\nrl:\n  algorithm: grpo\n  prompts_per_step: {prompts}\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 2048}}\n  response_tokens: {response}\n  verifier: {{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}}\n  placement: {placement}\n{extra}  {pools}\n";

    static RlEstimate Estimate(string yaml) => RlTests.Estimate(yaml);

    static HardwareCalibration IdealLinks => RlTests.IdealLinks;

    [Fact]
    public void The_generator_takes_vllm_max_num_seqs_as_a_serving_scenario_does()
    {
        // 512 × 16 = 8,192 samples over 16 tp4 replicas: 512 per replica, above vLLM's default cap of 1,024 sequences on
        // an 80 GB H100 only if the KV cache holds them; max_batch 64 (--max-num-seqs 64) caps each replica at 64.
        var capped = Estimate(Yaml("colocated", "generator: {tp: 4, max_batch: 64}\n  trainer: {tp: 8, zero: 3}"));
        var free = Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, zero: 3}"));
        Assert.Equal(64, capped.Generation.Rollout.Batch);
        Assert.True(free.Generation.Rollout.Batch > 64);
        Assert.True(capped.Phases.Generation.Value > free.Phases.Generation.Value);
        var bad = Assert.Throws<InputException>(() => Estimate(Yaml("colocated", "generator: {tp: 4, max_batch: 0}\n  trainer: {tp: 8, zero: 3}")));
        Assert.StartsWith("test.yaml.rl.generator.max_batch:", bad.Message);
    }

    [Fact]
    public void The_trainer_takes_the_training_scenarios_gradient_precision_and_dispatcher()
    {
        // NeMo-RL's recipes set grad_reduce_in_fp32: false: bf16 gradient buffers, 2 bytes per parameter instead of 4.
        var fp32 = Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8}"));
        var bf16 = Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, grad_precision: bf16}"));
        Assert.Equal(0.5, bf16.Training.Update.Memory.Gradients.Value / fp32.Training.Update.Memory.Gradients.Value, 12);
        // A dispatcher needs experts: Qwen3-32B is dense.
        var e = Assert.Throws<InputException>(() => Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, dispatcher: hybridep}")));
        Assert.Equal("test.yaml.rl.trainer.dispatcher: qwen3-32b has no experts; remove dispatcher (it says how an MoE layer sends tokens to its experts)", e.Message);
        var moe = Scenarios.FromYaml(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 1, ep: 8, dispatcher: hybridep}").Replace("qwen3-32b", "qwen3-30b-a3b"));
        Assert.Equal(Domain.Workloads.ExpertDispatcher.HybridEp, RlTraining.JobOf(moe.Rl!, Precision.BF16, 1000).Dispatcher);
    }

    [Fact]
    public void Global_batch_runs_one_optimizer_step_per_batch_of_samples()
    {
        // 512 × 16 = 8,192 samples in batches of 2,048: four optimizer steps, each a training step over 2,048 samples.
        var whole = Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, zero: 3}"));
        var four = Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, zero: 3, global_batch: 2048}"));
        Assert.Equal(1, whole.Training.OptimizerSteps);
        Assert.Equal(4, four.Training.OptimizerSteps);
        Assert.Equal(4 * four.Training.Update.StepTime.Value, four.Phases.Training.Value, 1e-9 * four.Phases.Training.Value);
        // The tokens are the same; four flushes, reductions and updates cost more than one.
        Assert.True(four.Phases.Training.Value > whole.Phases.Training.Value);
        var bad = Assert.Throws<InputException>(() => Estimate(Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 8, zero: 3, global_batch: 3000}")));
        Assert.Equal("test.yaml.rl.trainer.global_batch: 3000 does not divide the step's 8192 samples (prompts_per_step × samples_per_prompt); make it a divisor", bad.Message);
    }

    [Fact]
    public void A_gathered_refit_brings_every_trainer_rank_the_whole_model()
    {
        // Trainer tp4 pp4 on 32 GPUs (dp2): pipeline ranks 8 apart, one per 8-GPU DGX. Every parameter is broadcast from
        // the stage that owns it, and a pipelined broadcast passes its bytes once at the link's rate: the whole model M
        // over scale-out at 50 GB/s. Inside its stage a rank gathers the stage's quarter from four tp shards in one DGX,
        // 3/4 of M/4 over NVLink at 450 GB/s.
        string yaml = Yaml("disaggregated", "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 4, pp: 4, gather_weights: true}");
        var e = Estimate(yaml);
        var s = Scenarios.FromYaml(yaml);
        var fabric = new Fabric(s.Cluster, IdealLinks);
        var (export, crosses) = RlRefit.Export(fabric, e.Training, e.Generation.Model.Model);
        Assert.True(crosses);
        Assert.Equal(Model / 50e9 + 0.75 * Model / 4 / 450e9, export, 1e-3 * export);
        // Disaggregated, one trainer rank broadcasts the whole model to every generator at two NICs' rate (NeMo-RL PR
        // #1379's measured refits), 100 GB/s here; inside one DGX at NVLink's 450.
        Assert.Equal(Model / 100e9, RlRefit.Broadcast(fabric, Model, across: true), 1e-9);
        Assert.Equal(Model / 450e9, RlRefit.Broadcast(fabric, Model, across: false), 1e-9);
        // With the catalog's link efficiencies the step's weight sync is the slower of the two, export here. The
        // broadcast's parameter iteration runs beside it: no host pass, and the JSON says so.
        var real = new Fabric(s.Cluster, CatalogStore.Default.Calibration(s.Cluster.Accelerator));
        Assert.Equal(RlRefit.Export(real, e.Training, e.Generation.Model.Model).Seconds, e.Phases.WeightSync.Value, 1e-3 * e.Phases.WeightSync.Value);
        Assert.Equal(0.0, e.SyncHost.Value);
        Assert.Equal(0.0, (double)Augur.Reports.Rl.RlReport.Json(s, e)["weight_sync_host_s"]!);
        // Sending each generator GPU its tp4 shard moves M/4 over scale-out; gathering moves M over scale-out plus
        // 3M/16 over NVLink: four times as long and a little more.
        var shards = Estimate(Yaml("disaggregated", "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 4, pp: 4}"));
        Assert.InRange(e.Phases.WeightSync.Value / shards.Phases.WeightSync.Value, 4.0, 4.4);
        // What each generator GPU receives: every tensor of the model in BF16 when gathered, its tp4 shard otherwise.
        Assert.Equal(Model, e.SyncBytesPerGpu.Value, 1e-5 * Model);
        Assert.Equal(Model / 4, shards.SyncBytesPerGpu.Value, 1e-3 * Model);
    }

    [Fact]
    public void A_colocated_gathered_refit_adds_the_hosts_pass_over_the_tensors()
    {
        // Colocated, each rank hands the gathered tensors to the vLLM worker on its own GPU through CUDA IPC, and the host
        // works through Qwen3-32B's 707 tensors (64 layers × (4 attention + q and k norms + 2 layer norms + 3 MLP) +
        // embedding, norm, head) at 35.0 s / 45,337 each.
        string yaml = Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 4, pp: 4, gather_weights: true}");
        var e = Estimate(yaml);
        var s = Scenarios.FromYaml(yaml);
        var real = new Fabric(s.Cluster, CatalogStore.Default.Calibration(s.Cluster.Accelerator));
        double host = 707 * 35.0 / 45_337;
        Assert.Equal(host, e.SyncHost.Value, 12);
        Assert.Equal(RlRefit.Export(real, e.Training, e.Generation.Model.Model).Seconds + host, e.Phases.WeightSync.Value, 1e-9 * e.Phases.WeightSync.Value);
        Assert.Equal(host, (double)Augur.Reports.Rl.RlReport.Json(s, e)["weight_sync_host_s"]!, 5);
    }

    [Fact]
    public void An_MoE_refit_broadcasts_one_expert_shard_per_stage_and_gathers_the_experts_over_the_expert_group()
    {
        // Qwen3-30B-A3B: 30,532,122,624 parameters, of which the routed experts are 48 × 128 × 3 × 2048 × 768 =
        // 28,991,029,248 (E = 57.98 GB in bf16) and the rest D = 3.08 GB. Trainer tp1 ep8 pp2 on 32 H100: the two stages
        // sit 16 ranks apart, in different DGX, so every stage's dense part and one expert shard, D + E/8, pass over
        // scale-out at 50 GB/s; the eight expert ranks share a DGX and gather E, 7/8 of it over NVLink at 450 GB/s.
        var yaml = Yaml("colocated", "generator: {tp: 4}\n  trainer: {tp: 1, ep: 8, pp: 2}").Replace("qwen3-32b", "qwen3-30b-a3b").Replace("gpus: 64", "gpus: 32");
        var e = Estimate(yaml);
        var fabric = new Fabric(Scenarios.FromYaml(yaml).Cluster, IdealLinks);
        double experts = 28_991_029_248.0 * 2, dense = (30_532_122_624.0 - 28_991_029_248.0) * 2;
        var (export, crosses) = RlRefit.Export(fabric, e.Training, e.Generation.Model.Model);
        Assert.True(crosses);
        Assert.Equal((dense + experts / 8) / 50e9 + experts * 7 / 8 / 450e9, export, 1e-3 * export);
        // Broadcasting the whole model over the pipeline group instead would take (D + E) / 50 GB/s, 1.22 s, not 0.33 s.
        Assert.True(export < (dense + experts) / 50e9 / 3);
    }

    [Fact]
    public void The_refits_host_pass_walks_the_checkpoints_tensors()
    {
        // DeepSeek-V3: 61 layers × (MLA's q_a, q_a_norm, q_b, kv_a, kv_a_norm, kv_b, o + 2 norms) = 549; 3 dense MLPs × 3
        // = 9; 58 MoE layers × (router + 256 × 3 + one shared MLP's 3) = 44,776; embedding, final norm, LM head: 45,337,
        // the count the 35.0 s of NeMo-RL's measured host work is spread over.
        Assert.Equal(45_337, RlRefit.Tensors(CatalogStore.Default.Model("deepseek-v3").Spec));
        Assert.Equal(35.0, RlRefit.HostSeconds(CatalogStore.Default.Model("deepseek-v3").Spec), 9);
        // Qwen3-30B-A3B: 48 × (4 + 2 per-head norms + 2) + 48 × (1 + 128 × 3) + 3 = 18,867 tensors, 14.57 s (NeMo-RL's
        // v0.3 blog measured 12 s for its whole refit).
        Assert.Equal(18_867, RlRefit.Tensors(CatalogStore.Default.Model("qwen3-30b-a3b").Spec));
        Assert.Equal(14.57, RlRefit.HostSeconds(CatalogStore.Default.Model("qwen3-30b-a3b").Spec), 2);
        // gpt-oss-120b stores each layer's experts as two stacked tensors (gate_up_proj, down_proj):
        // 36 × (4 + 2) + 36 × (router + 2) + 3 = 327, not the 14,079 one tensor per expert matrix would give.
        Assert.Equal(327, RlRefit.Tensors(CatalogStore.Default.Model("gpt-oss-120b").Spec));
    }

    [Fact]
    public void Asynchronous_generation_paces_at_staleness_steps_in_flight()
    {
        // 16 prompts × 16 = 256 constant-length samples on 8 tp4 replicas: 32 per replica in one step. Staleness 4 keeps
        // four steps' samples in flight, 128 per replica (under what the KV cache holds), so the full-batch pace is the
        // decode step at 128 sequences per sequence, at the steady context 1,024 + 2,000/2.
        string pools = "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 8, zero: 3}";
        var one = Estimate(Yaml("asynchronous", pools, prompts: 16, response: "{mean: 2000, max: 2000}", extra: "  staleness: 1\n"));
        var four = Estimate(Yaml("asynchronous", pools, prompts: 16, response: "{mean: 2000, max: 2000}", extra: "  staleness: 4\n"));
        var g = four.Generation;
        Assert.True(g.Model.MaxConcurrency(g.Layout) >= 128);
        double step32 = g.Model.DecodeStep(g.Layout, 32, 2024).Total.Value / 32;
        double step128 = g.Model.DecodeStep(g.Layout, 128, 2024).Total.Value / 128;
        Assert.Equal(32 * 1999 * (step32 - step128), one.Generation.Rollout.Work - g.Rollout.Work, 1e-6 * g.Rollout.Work);
        // The synchronous makespan is one step's batch either way.
        Assert.Equal(one.Generation.Rollout.Makespan, g.Rollout.Makespan, 1e-9 * g.Rollout.Makespan);
    }

    [Fact]
    public void A_per_step_rollout_holds_one_whole_rollout_and_one_trainer_turn_per_staleness_plus_one_steps()
    {
        // Generators that keep their batch full pace at max(work, makespan / 2) beside the trainer; launched a step at a
        // time (NeMo-RL), two steps must also hold one whole rollout (makespan) plus one trainer turn (log-probs, update,
        // sync), and each step one prompt group's time in flight plus the refit that stops the engine.
        string pools = "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 8, zero: 3}";
        // 64 prompts: a small batch whose tail (makespan) is long against its full-batch pace.
        var continuous = Estimate(Yaml("asynchronous", pools, prompts: 64, extra: "  staleness: 1\n"));
        var perStep = Estimate(Yaml("asynchronous", pools, prompts: 64, extra: "  staleness: 1\n  async_rollout: per_step\n"));
        var p = perStep.Phases;
        var r = perStep.Generation.Rollout;
        double cycle = (r.Makespan + p.LogProbs.Value + p.Critic.Value + p.Training.Value + p.WeightSync.Value) / 2;
        double group = r.GroupLatency + p.WeightSync.Value;
        Assert.Equal(Math.Max(continuous.StepTime.Value, Math.Max(cycle, group)), perStep.StepTime.Value, 1e-9 * cycle);
        Assert.True(perStep.StepTime.Value > continuous.StepTime.Value);
        Assert.Equal(continuous.Phases.Generation.Value, p.Generation.Value);
    }

    [Fact]
    public void A_prompt_groups_time_in_flight_is_its_prefill_and_its_longest_response_at_the_full_batch_pace()
    {
        // Constant 2,000-token responses, 16 prompts × 16 on 8 tp4 replicas: 32 per replica, staleness 1, so the batch
        // in flight is 32 and a group takes its prompt's prefill and 1,999 decode steps at batch 32.
        string pools = "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 8, zero: 3}";
        var e = Estimate(Yaml("asynchronous", pools, prompts: 16, response: "{mean: 2000, max: 2000}", extra: "  staleness: 1\n  async_rollout: per_step\n"));
        var g = e.Generation;
        double prefill = g.Model.PrefillIteration(g.Layout, out double perIteration).Total.Value / perIteration;
        double step = g.Model.DecodeStep(g.Layout, 32, 1024 + 2000 / 2.0).Total.Value;
        Assert.Equal(prefill + 1999 * step, g.Rollout.GroupLatency, 1e-9 * g.Rollout.GroupLatency);
    }

    [Theory]
    [InlineData("asynchronous", "  async_rollout: batched\n", "rl.async_rollout: unknown mode 'batched'; use continuous (partial rollouts) or per_step")]
    [InlineData("disaggregated", "  async_rollout: per_step\n", "rl.async_rollout: only asynchronous placement runs generation ahead of training")]
    public void A_bad_async_rollout_is_one_line(string placement, string extra, string expected)
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(placement, "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 8, zero: 3}", extra: extra)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
