using System.Text.Json;
using Augur.Catalog.Loading;
using Augur.CostModels.Communication;
using Augur.CostModels.Rl;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Search.Rl;
using Augur.Tests.Cli;
using Augur.Units;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

public class RlTests
{
    /// <summary>A GRPO job on H100s with the pools and lengths given.</summary>
    static string Yaml(string placement = "disaggregated", int gpus = 64, string pools = "generator: {gpus: 32, tp: 4, kv_precision: fp8}\n  trainer: {gpus: 32, tp: 8, zero: 3}",
        string response = "{mean: 6000, spread: 0.8, max: 16384}", int prompts = 512, string extra = "", string hardware = "h100-sxm") =>
        $"workload: rl\nmodel: qwen3-32b\nhardware: {hardware}\ncluster: {{gpus: {gpus}}}\nprecision: bf16\nrl:\n  algorithm: grpo\n  prompts_per_step: {prompts}\n  samples_per_prompt: 16\n"
        + $"  prompt_tokens: {{mean: 1024, max: 2048}}\n  response_tokens: {response}\n  verifier: {{kind: rule, cpu_seconds: 0.2, cpu_cores: 512}}\n  placement: {placement}\n{extra}  {pools}\n  steps: 10\n";

    internal static RlEstimate Estimate(string yaml) => RlWorkflow.Estimate(Scenarios.FromYaml(yaml), CatalogStore.Default).Estimate;

    /// <summary>The calibration with ideal links, so a transfer takes exactly bytes over line rate.</summary>
    internal static HardwareCalibration IdealLinks => TestCalibration.Any with
    {
        ScaleUp = new TierCalibration(1, Seconds.Zero),
        ScaleOut = new TierCalibration(1, Seconds.Zero),
    };

    [Fact]
    public void Weight_sync_is_the_generator_shard_over_the_link_it_crosses()
    {
        // Qwen3-32B by hand: per layer q,o 2·5120·8192 + k,v 2·5120·1024 + MLP 3·5120·25600 + 2 norms of 5120 + 2 q/k
        // norms of 128 = 487,597,312; ×64 layers = 31,206,227,968; embedding and LM head 2·151936·5120 = 1,555,824,640;
        // final norm 5120. Total 32,762,057,728 parameters, 2 bytes each in bf16, over tp4: 16.381 GB per generator GPU.
        const double bytes = 32_762_057_728.0 * 2 / 4;
        var e = Estimate(Yaml());
        Assert.Equal(bytes, e.SyncBytesPerGpu.Value, bytes * 1e-3);
        var s = Scenarios.FromYaml(Yaml());
        // 32 + 32 GPUs span eight 8-GPU DGX H100 domains: scale-out, 400 Gbit/s = 50 GB/s per GPU one way.
        var (across, tier) = RlStep.WeightSync(new Fabric(s.Cluster, IdealLinks), e.SyncBytesPerGpu, 64);
        Assert.Equal("scale-out", tier);
        Assert.Equal(e.SyncBytesPerGpu.Value / 50e9, across, 1e-9);
        // Four generators and four trainers fit one DGX: NVLink 4, 450 GB/s per GPU one way.
        var (inside, inner) = RlStep.WeightSync(new Fabric(s.Cluster, IdealLinks), e.SyncBytesPerGpu, 8);
        Assert.Equal("scale-up", inner);
        Assert.Equal(e.SyncBytesPerGpu.Value / 450e9, inside, 1e-9);
    }

    [Fact]
    public void Weight_sync_grows_with_the_model_and_falls_with_generator_sharding()
    {
        var tp4 = Estimate(Yaml());
        var tp8 = Estimate(Yaml(pools: "generator: {gpus: 32, tp: 8, kv_precision: fp8}\n  trainer: {gpus: 32, tp: 8, zero: 3}"));
        Assert.Equal(tp4.SyncBytesPerGpu.Value / 2, tp8.SyncBytesPerGpu.Value, 1e-6 * tp4.SyncBytesPerGpu.Value);
        Assert.Equal(tp4.Phases.WeightSync.Value, 2 * tp8.Phases.WeightSync.Value, 0.01 * tp4.Phases.WeightSync.Value);
    }

    [Fact]
    public void With_constant_lengths_the_closed_form_and_the_simulator_agree()
    {
        // 8 prompts × 16 samples = 128 sequences on two tp4 replicas: 64 each, all in one batch; 2,000 tokens each.
        var s = Scenarios.FromYaml(Yaml(placement: "colocated", gpus: 8, pools: "generator: {tp: 4}\n  trainer: {tp: 8, zero: 3}", response: "{mean: 2000, max: 2000}", prompts: 8));
        var o = RlWorkflow.Simulate(s, CatalogStore.Default);
        Assert.Equal(64, o.Estimate.Generation.Rollout.Batch);
        Assert.Equal(2000, o.Estimate.Generation.Rollout.LongestResponse);
        double closed = o.Estimate.Generation.Rollout.Makespan, simulated = o.Rollout.Makespan.Value;
        Assert.InRange(simulated / closed, 0.97, 1.03);
        // Everything but the rollout is the same composition.
        Assert.Equal(o.Estimate.StepTime.Value - closed, o.Simulated.StepTime.Value - simulated, 1e-6 * o.Estimate.StepTime.Value);
    }

    [Fact]
    public void The_longest_response_sets_a_synchronous_step_and_staleness_hides_it()
    {
        var fixedLength = Estimate(Yaml(response: "{mean: 6000, max: 16384}"));
        var tailed = Estimate(Yaml());
        // Same mean, a long tail: the makespan grows although the mean tokens do not.
        Assert.Equal(6000, fixedLength.Generation.Rollout.LongestResponse);
        Assert.Equal(16384, tailed.Generation.Rollout.LongestResponse);
        Assert.True(tailed.Generation.Rollout.Makespan > 1.1 * tailed.Generation.Rollout.Work);
        var async1 = Estimate(Yaml(placement: "asynchronous", extra: "  staleness: 1\n"));
        // Asynchronous: the generators' pace is max(full-batch work, makespan / (k + 1)) and the step is the slower pool.
        var r = async1.Generation.Rollout;
        Assert.Equal(Math.Max(r.Work, r.Makespan / 2), async1.Phases.Generation.Value, 1e-9);
        Assert.Equal(Math.Max(async1.Generators.Busy.Value, async1.Trainer.Busy.Value), async1.StepTime.Value, 1e-9);
        Assert.True(async1.StepTime.Value < tailed.StepTime.Value);
    }

    [Fact]
    public void A_synchronous_step_is_the_sum_of_its_phases()
    {
        var e = Estimate(Yaml());
        var p = e.Phases;
        Assert.Equal(p.Generation.Value + p.Verification.Value + p.LogProbs.Value + p.Critic.Value + p.Training.Value + p.WeightSync.Value + p.Offload.Value, e.StepTime.Value, 1e-9);
        // GRPO: old-policy and reference log-probabilities, each one forward-only pass over the step's samples.
        Assert.Equal(2 * e.Training.Forward.Value, p.LogProbs.Value, 1e-9);
        // Rule verifier: 8,192 samples × 0.2 CPU-s on 512 cores = 3.2 s of work, hidden behind generation but the last 0.2 s.
        Assert.Equal(0.2, p.Verification.Value, 1e-12);
        Assert.Equal(8192 / e.StepTime.Value, e.SamplesPerSecond, 1e-9);
        // The trainer waits while the generators work and the other way round.
        Assert.Equal(e.StepTime.Value - p.Generation.Value - p.WeightSync.Value, e.Generators.Idle.Value, 1e-9);
    }

    [Fact]
    public void Colocated_offload_moves_the_optimizer_and_the_engines_weights_over_the_host_link_and_back_and_frees_the_gradients()
    {
        var e = Estimate(Yaml(placement: "colocated", pools: "generator: {tp: 4, kv_precision: fp8}\n  trainer: {tp: 8, zero: 3}"));
        var m = e.Training.Update.Memory;
        double engine = e.Generation.WeightsPerGpu.Value;
        // DGX H100: PCIe Gen5 x16, 64 GB/s each way; the optimizer state out before generating, into fresh pageable memory
        // at the 1.31 GB/s NeMo-RL issue #3976 measured on an H100 host, and back before training; the gradients freed, not
        // moved; the engine's weights backed up after generating and back before the refit (vLLM's sleep level 1).
        Assert.Equal(m.Optimizer.Value / 64e9 + m.Optimizer.Value / 1.31e9 + 2 * engine / 64e9, e.Phases.Offload.Value, 1e-9);
        // verl: its non-blocking copies land in pinned memory, and its engines sleep at level 2, dropping their weights.
        var verl = Estimate(Yaml(placement: "colocated", pools: "generator: {tp: 4, kv_precision: fp8, sleep_level: 2}\n  trainer: {tp: 8, zero: 3, offload_pinned: true}"));
        Assert.Equal(2 * m.Optimizer.Value / 64e9, verl.Phases.Offload.Value, 1e-9);
        // Host memory at its peak: the optimizer state goes out before the refit while the engine's weights are still there.
        Assert.Equal(m.Optimizer.Value + engine, e.Trainer.Host.Need.Value, 1e-6 * e.Trainer.Host.Need.Value);
        Assert.Equal(m.Optimizer.Value, verl.Trainer.Host.Need.Value, 1e-6 * m.Optimizer.Value);
        // One pool in two roles: it waits only on scoring, resharding and offload.
        Assert.Equal(e.Phases.Verification.Value + e.Phases.WeightSync.Value + e.Phases.Offload.Value, e.Generators.Idle.Value, 1e-9);
        Assert.Equal(e.Generators.Idle.Value, e.Trainer.Idle.Value, 1e-9);
    }

    [Fact]
    public void Ppo_adds_a_critic_and_dapo_drops_the_reference()
    {
        var grpo = Estimate(Yaml());
        var ppo = Estimate(Yaml().Replace("algorithm: grpo", "algorithm: ppo", StringComparison.Ordinal));
        var dapo = Estimate(Yaml().Replace("algorithm: grpo", "algorithm: dapo", StringComparison.Ordinal));
        // The critic (the policy's model, its value head costed as the LM head) runs a forward pass and an update of the
        // policy's model with the generic cross entropy's passes over the logits, not the policy's log-probabilities'.
        var asCritic = RlAlgorithmTests.AsCritic(Yaml());
        Assert.Equal(asCritic.Phases.LogProbs.Value / 2 + asCritic.Phases.Training.Value, ppo.Phases.Critic.Value, 1e-9 * ppo.StepTime.Value);
        Assert.Equal(grpo.Phases.LogProbs.Value / 2, dapo.Phases.LogProbs.Value, 1e-9);
    }

    [Fact]
    public void Plan_splits_the_budget_and_explains_the_winner()
    {
        var s = Scenarios.FromYaml(Yaml(placement: "asynchronous", gpus: 16, pools: "generator: {gpus: 8, tp: 4}\n  trainer: {gpus: 8, tp: 8}", prompts: 64, extra: "  staleness: 2\n"));
        var plan = RlPlanner.Plan(s.Model, s.Cluster, s.Precision, s.Rl!, CatalogStore.Default.Calibration(s.Cluster.Accelerator), s.Run, s.Objective, 5);
        Assert.NotEmpty(plan.Ranked);
        var w = plan.Ranked[0];
        Assert.All(plan.Ranked, e => Assert.True(e.SamplesPerSecond <= w.SamplesPerSecond));
        Assert.All(plan.BestPerPlacement, e => Assert.True(e.SamplesPerSecond <= w.SamplesPerSecond));
        Assert.All(plan.Ranked, e => Assert.True(e.Fits));
        Assert.All(plan.Ranked, e => Assert.True(e.Job.Placement == RlPlacement.Colocated ? e.Gpus == 16 : e.Job.Generator.Gpus + e.Job.Trainer.Gpus == 16));
        Assert.All(plan.Ranked, e => Assert.InRange(e.Job.Staleness, 0, 2));
        Assert.Contains("Winner", string.Join("\n", Augur.Reports.Rl.RlPlanReport.Why(plan)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  staleness: -1\n", "staleness")]
    [InlineData("", "needs its cost: set cpu_cores", ", cpu_cores: 512", "")]
    [InlineData("", "tp×pp×cp×dp", "trainer: {gpus: 32, tp: 8, zero: 3}", "trainer: {gpus: 32, tp: 8, dp: 2}")]
    [InlineData("", "KV-cache room", "generator: {gpus: 32, tp: 4, kv_precision: fp8}", "generator: {gpus: 32, tp: 1, memory_fraction: 0.84}")]
    [InlineData("", "exceeds the 64 GPUs", "generator: {gpus: 32,", "generator: {gpus: 40,")]
    public void Bad_rl_input_is_one_line_and_exit_2(string extra, string expected, string from = "", string to = "")
    {
        string yaml = Yaml(placement: extra.Length > 0 ? "asynchronous" : "disaggregated", extra: extra);
        if (from.Length > 0) yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        var (code, _, err) = CliTests.Run("estimate", CliTests.Temp(yaml));
        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Plot_of_an_rl_scenario_is_refused_before_any_work_in_every_command()
    {
        string path = Scenarios.Repo("samples/qwen3-32b-grpo-rl.yaml");
        string svg = Path.Combine(Path.GetTempPath(), $"augur-rl-{Guid.NewGuid():N}.svg");
        foreach (var command in new[] { "estimate", "plan", "simulate" })
        {
            var (code, output, err) = CliTests.Run(command, path, "--plot", svg);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal("augur: --plot: there is no chart of an rl scenario yet; drop --plot (--json gives every number)", err.Trim());
            Assert.False(File.Exists(svg));
        }
    }

    [Fact]
    public void Other_commands_refuse_an_rl_scenario_in_one_line()
    {
        string path = Scenarios.Repo("samples/qwen3-32b-grpo-rl.yaml");
        foreach (var args in new[] { new[] { "needs", path, "--sensitivity" }, ["sweep", path, "--vary", "cluster.gpus=64,128"] })
        {
            var (code, _, err) = CliTests.Run(args);
            Assert.Equal(2, code);
            Assert.Single(err.Trim().Split('\n'));
        }
    }

    [Fact]
    public void Rl_estimate_json_is_invariant_and_complete()
    {
        var (code, output, _) = CliTests.Run("estimate", Scenarios.Repo("samples/qwen3-32b-grpo-rl.yaml"), "--json");
        Assert.Equal(0, code);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal("rl", doc.GetProperty("workload").GetString());
        Assert.Equal(8192, doc.GetProperty("samples_per_step").GetInt32());
        Assert.Equal(2, doc.GetProperty("pools").GetArrayLength());
    }
}
