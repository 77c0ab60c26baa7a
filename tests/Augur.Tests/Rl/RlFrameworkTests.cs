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
        Assert.Equal("rl.trainer: global_batch 3000 does not divide the step's 8192 samples (prompts_per_step × samples_per_prompt); make it a divisor", bad.Message);
    }

    [Fact]
    public void A_gathered_refit_brings_every_trainer_rank_the_whole_model()
    {
        // Trainer tp4 pp4 on 32 GPUs (dp2): pipeline ranks 8 apart, one per 8-GPU DGX, so the other three stages'
        // share, 3/4 of the model, arrives over scale-out at 50 GB/s; the stage's own quarter is held by four tp shards
        // in one DGX (16.38 GB / 4.29 GB of the heaviest stage's weights per GPU rounds to 4) and 3/4 of it arrives over
        // NVLink at 450 GB/s.
        var e = Estimate(Yaml("disaggregated", "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 4, pp: 4, gather_weights: true}"));
        var s = Scenarios.FromYaml(Yaml("disaggregated", "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 4, pp: 4, gather_weights: true}"));
        var fabric = new Fabric(s.Cluster, IdealLinks);
        var (export, crosses) = RlRefit.Export(fabric, e.Training, Model);
        Assert.True(crosses);
        Assert.Equal(0.75 * Model / 50e9 + 0.75 * Model / 4 / 450e9, export, 1e-3 * export);
        // Disaggregated, one trainer rank broadcasts the whole model to every generator: each DGX takes it in over its
        // eight 50 GB/s NICs (400 GB/s, under NVLink's 450), overlapped with the export.
        Assert.Equal(Model / 400e9, RlRefit.Broadcast(fabric, Model, across: true), 1e-9);
        Assert.Equal(Model / 450e9, RlRefit.Broadcast(fabric, Model, across: false), 1e-9);
        // With the catalog's link efficiencies the step's weight sync is the slower of the two, export here.
        var real = new Fabric(s.Cluster, CatalogStore.Default.Calibration(s.Cluster.Accelerator));
        Assert.Equal(RlRefit.Export(real, e.Training, Model).Seconds, e.Phases.WeightSync.Value, 1e-3 * e.Phases.WeightSync.Value);
        // Sending each generator GPU its tp4 shard moves M/4 over scale-out; gathering moves 3M/4 over scale-out plus
        // 3M/16 over NVLink: three times as long and a little more.
        var shards = Estimate(Yaml("disaggregated", "generator: {gpus: 32, tp: 4}\n  trainer: {gpus: 32, tp: 4, pp: 4}"));
        Assert.InRange(e.Phases.WeightSync.Value / shards.Phases.WeightSync.Value, 3.0, 3.3);
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
}
