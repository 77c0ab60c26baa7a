using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Search.Rl;
using Augur.Tests.Cli;
using Augur.Units;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>Generators on hardware of their own (rl.generator.hardware; issue #13 point 5).</summary>
public class RlGeneratorHardwareTests
{
    /// <summary>Qwen3-32B GRPO, 8 prompts × 16 samples of 1,024 + 2,000 tokens, on H100s unless the generators say otherwise.</summary>
    static string Yaml(string generator, string placement = "asynchronous", string cluster = "{gpus: 24}", string run = "",
        string trainer = "{gpus: 8, tp: 8, zero: 3}") =>
        $"workload: rl\nmodel: qwen3-32b\nhardware: h100-sxm\ncluster: {cluster}\nprecision: bf16\n{run}rl:\n  algorithm: grpo\n  prompts_per_step: 8\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 1024}}\n  response_tokens: {{mean: 2000, max: 2000}}\n  verifier: {{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}}\n"
        + $"  placement: {placement}\n  generator: {generator}\n  trainer: {trainer}\n  steps: 10\n";

    static RlEstimate Estimate(string yaml) => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;

    /// <summary>Qwen3-32B's 32,762,057,728 parameters (worked out in RlTests) in bf16 over tp4: about one generator GPU's shard.</summary>
    const double Shard = 32_762_057_728.0 * 2 / 4;

    // Hopper and Blackwell scale-out calibration (catalog/calibration/nvidia-hopper.yaml, nvidia-blackwell.yaml):
    // 93% of line rate achieved, 12 µs per step.
    const double Efficiency = 0.93, Latency = 12e-6;

    [Fact]
    public void The_generator_hardware_is_read_like_the_scenarios_own()
    {
        var s = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 4, hardware: gb200-nvl72}"));
        var own = s.Rl!.Generator.OwnHardware!;
        Assert.Equal(("gb200", 16, "nvidia-blackwell"), (own.Cluster.Accelerator.Id, own.Cluster.Gpus, own.Calibration.Family));
        Assert.Equal(72, own.Cluster.ScaleUpDomain);
        Assert.Equal(CatalogStore.Default.Price("gb200"), own.UsdPerGpuHour);
        // The scenario's hardware is the trainer's.
        Assert.Equal("h100-sxm", s.Cluster.Accelerator.Id);
        // Inline hardware and --set take the same path.
        var inline = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 4, hardware: {base: h100-sxm, hbm_tb_s: 6.7}, usd_per_gpu_hour: 5}"));
        Assert.Equal((6.7e12, 5.0), (inline.Rl!.Generator.OwnHardware!.Cluster.Accelerator.HbmBandwidth.BytesPerSecond, inline.Rl.Generator.OwnHardware.UsdPerGpuHour));
        var set = new ScenarioReader(CatalogStore.Default).ReadYaml(Yaml("{gpus: 16, tp: 4}"), overrides: [ScenarioOverride.Parse("rl.generator.hardware=gb200-nvl72")]);
        Assert.Equal("gb200", set.Rl!.Generator.OwnHardware!.Cluster.Accelerator.Id);
    }

    [Fact]
    public void The_rollout_engine_takes_vllms_catalog_limits_on_the_generators_accelerator()
    {
        // catalog/frameworks/vllm.yaml (vllm/engine/arg_utils.py @ 99d7eb5d): an A100 gets max_num_seqs 256 and 2,048
        // batched tokens, a GPU of 70 GiB or more 1,024 and 8,192; both with 19.5 µs of host time per sequence.
        var own = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 4, hardware: dgx-a100}")).Rl!.Generator.Limits;
        Assert.Equal((256, 2048, 19.5e-6), (own.MaxBatch!.Value, own.TokenBudget, own.HostPerSequence.Value));
        var h100 = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 4}")).Rl!.Generator.Limits;
        Assert.Equal((1024, 8192), (h100.MaxBatch!.Value, h100.TokenBudget));
        var colocated = Scenarios.FromYaml(Yaml("{tp: 4}", placement: "colocated", cluster: "{gpus: 8}", trainer: "{tp: 8}").Replace("h100-sxm", "a100-sxm-80g")).Rl!.Generator.Limits;
        Assert.Equal(256, colocated.MaxBatch);
    }

    [Theory]
    // Both NICs 400 Gbit/s = 50 GB/s per GPU.
    [InlineData("{gpus: 24}", "", 50e9)]
    // The trainer's 200 Gbit/s NIC is the slower side.
    [InlineData("{gpus: 24, scale_out_bandwidth: '200 Gbit/s'}", "", 25e9)]
    // The generators' 100 Gbit/s NIC is the slower side.
    [InlineData("{gpus: 24}", ", cluster: {scale_out_bandwidth: '100 Gbit/s'}", 12.5e9)]
    public void Weight_sync_crosses_the_scale_out_network_at_the_slower_nic(string cluster, string generatorCluster, double nic)
    {
        var e = Estimate(Yaml($"{{gpus: 16, tp: 4, hardware: gb200-nvl72{generatorCluster}}}", cluster: cluster));
        double p = e.SyncBytesPerGpu.Value;
        Assert.Equal(Shard, p, Shard * 1e-3);
        Assert.Equal("scale-out", e.SyncTier);
        Assert.Equal(p / (nic * Efficiency) + Latency, e.Phases.WeightSync.Value, 1e-12);
    }

    [Fact]
    public void Pools_that_would_share_one_scale_up_domain_still_cross_the_network_between_their_systems()
    {
        // 4 + 4 GPUs: on one hardware they sit in one 8-GPU NVLink domain; on two they do not.
        var same = Estimate(Yaml("{gpus: 4, tp: 4}", cluster: "{gpus: 8}", trainer: "{gpus: 4, tp: 4, zero: 3}"));
        var two = Estimate(Yaml("{gpus: 4, tp: 4, hardware: gb200-nvl72}", cluster: "{gpus: 8}", trainer: "{gpus: 4, tp: 4, zero: 3}"));
        Assert.Equal(("scale-up", "scale-out"), (same.SyncTier, two.SyncTier));
        Assert.Equal(two.SyncBytesPerGpu.Value / (50e9 * Efficiency) + Latency, two.Phases.WeightSync.Value, 1e-12);
    }

    [Fact]
    public void Twice_the_hbm_bandwidth_halves_the_decode_of_a_memory_bound_rollout()
    {
        // No kernel launch, iteration or link overheads, so a memory-bound decode step is bytes over bandwidth alone.
        var ideal = TestCalibration.Any with
        {
            KernelOverhead = Seconds.Zero, ServingIterationOverhead = Seconds.Zero,
            ScaleUp = new TierCalibration(1, Seconds.Zero), ScaleOut = new TierCalibration(1, Seconds.Zero),
        };
        // tp1 (no all-reduce, which HBM does not speed up) with fp8 weights so that one GPU holds the model.
        var s = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 1, precision: fp8}", placement: "disaggregated"));
        var h100 = s.Cluster.Accelerator;
        var fast = h100 with { HbmBandwidth = new Bandwidth(2 * h100.HbmBandwidth.BytesPerSecond) };
        RlGeneration On(Accelerator a)
        {
            // Nor the engine's host time per sequence, which HBM does not speed up either.
            var limits = s.Rl!.Generator.Limits with { HostPerSequence = Seconds.Zero };
            var job = s.Rl! with { Generator = s.Rl.Generator with { OwnHardware = new RlPoolHardware(s.Cluster with { Accelerator = a }, ideal, 0), Limits = limits } };
            var curve = ResponseCurve.Of(job.Response, job.Samples);
            var (training, _) = RlSetup.Trainer(s.Model, s.Cluster, s.Precision, job, ideal, curve);
            return RlSetup.Generator(s.Model, s.Cluster, s.Precision, job, ideal, training!, curve).Generation!;
        }
        var slow = On(h100);
        var quick = On(fast);
        // 128 samples over 16 replicas: 8 each, one batch; the rollout is their prompts, then the decode.
        Assert.Equal((8, 8), (slow.Rollout.SamplesPerReplica, slow.Rollout.Batch));
        double Decode(RlGeneration g)
        {
            double prefill = g.Model.PrefillIteration(g.Layout, out double prompts).Total.Value / prompts;
            // A batch of 8 reads each weight once per step for 8 tokens: far below H100's FLOP:byte ridge, so memory-bound.
            Assert.True(g.Model.DecodeStep(g.Layout, 8, 2024).ByteBound > g.Model.DecodeStep(g.Layout, 8, 2024).FlopBound);
            return g.Rollout.Makespan - 8 * prefill;
        }
        Assert.Equal(Decode(slow) / 2, Decode(quick), 1e-9 * Decode(slow));
    }

    [Fact]
    public void A_step_pays_each_pool_at_its_own_price_and_power()
    {
        // Trainer 8 H100 at $2, generators 16 GB200 at $5 per GPU-hour; 10 steps.
        var e = Estimate(Yaml("{gpus: 16, tp: 4, hardware: gb200-nvl72, usd_per_gpu_hour: 5}", run: "run: {usd_per_gpu_hour: 2}\n"));
        double hours = e.StepTime.Value * 10 / 3600;
        Assert.Equal((16 * 5 + 8 * 2) * hours, e.Run.Cost.Value, 1e-9 * e.Run.Cost.Value);
        Assert.Equal(24 * hours, e.Run.GpuHours, 1e-9 * e.Run.GpuHours);
        // Facility energy: rated power × 0.8 average draw × PUE 1.2 (RunEconomics defaults); H100 700 W, GB200 from the catalog.
        double gb200 = CatalogStore.Default.Accelerator("gb200").Power.Value;
        Assert.Equal((8 * 700 + 16 * gb200) * 0.8 * 1.2 * hours * 3600, e.Run.Energy.Value, 1e-9 * e.Run.Energy.Value);
        // The generator pool's memory is held against the generators' HBM.
        Assert.Equal(CatalogStore.Default.Accelerator("gb200").HbmCapacity, e.Generators.Capacity);
    }

    [Fact]
    public void Without_the_key_nothing_changes_and_with_the_same_hardware_only_the_network_between_the_pools_does()
    {
        var alone = Estimate(Yaml("{gpus: 16, tp: 4}"));
        var same = Estimate(Yaml("{gpus: 16, tp: 4, hardware: h100-sxm}"));
        Assert.Null(alone.Job.Generator.OwnHardware);
        Assert.Equal(alone.Generation.Rollout, same.Generation.Rollout);
        Assert.Equal(alone.Run.Cost.Value, same.Run.Cost.Value, 1e-9 * alone.Run.Cost.Value);
        // 24 GPUs span three 8-GPU domains either way: the same scale-out link.
        Assert.Equal(alone.Phases.WeightSync.Value, same.Phases.WeightSync.Value, 1e-15);
    }

    [Fact]
    public void The_plan_keeps_the_generators_on_their_hardware_and_does_not_colocate()
    {
        var s = Scenarios.FromYaml(Yaml("{gpus: 16, tp: 4, hardware: gb200-nvl72}"));
        var plan = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, 50);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e =>
        {
            Assert.NotEqual(RlPlacement.Colocated, e.Job.Placement);
            Assert.Equal("gb200", e.Generation.Model.Cluster.Accelerator.Id);
            Assert.Equal("scale-out", e.SyncTier);
        });
    }

    [Theory]
    [InlineData("{gpus: 16, tp: 4, hardware: gb200-nvl72}", "colocated", "colocated generation and training time-share one pool")]
    [InlineData("{gpus: 16, tp: 4, hardware: gb200-nvl72, cluster: {gpus: 16}}", "asynchronous", "the generator pool's size is rl.generator.gpus")]
    [InlineData("{gpus: 16, tp: 4, hardware: gb200-nvl72, cluster: {sites: 2}}", "asynchronous", "the generators serve from one site")]
    [InlineData("{gpus: 16, tp: 4, cluster: {scale_out_bandwidth: '100 Gbit/s'}}", "asynchronous", "set rl.generator.hardware too")]
    [InlineData("{gpus: 16, tp: 4, hardware: gb201}", "asynchronous", "unknown hardware 'gb201'")]
    [InlineData("{gpus: 16, tp: 4, hardware: {base: h100-sxm, price_usd_per_gpu_hour: null}}", "asynchronous", "rl.generator.usd_per_gpu_hour")]
    public void Bad_generator_hardware_is_one_line_and_exit_2(string generator, string placement, string expected)
    {
        string yaml = placement == "colocated"
            ? Yaml(generator.Replace("gpus: 16, ", ""), placement, trainer: "{tp: 8, zero: 3}")
            : Yaml(generator, placement);
        var (code, _, err) = CliTests.Run("estimate", CliTests.Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }
}
