using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Tests.Export;
using Augur.Tests.Hardening;

namespace Augur.Tests.Training;

/// <summary>training.optimizer_offload: Megatron's hybrid device optimizer keeps a share of the optimizer on the host CPU.</summary>
public class OptimizerOffloadTests
{
    // Llama 3.1 8B on one DGX H100 at ZeRO 1: each GPU updates 8,030,261,248 / 8 = 1,003,782,656 parameters.
    const double LocalParameters = 8_030_261_248.0 / 8;

    static string Yaml(string extra, string hardware = "dgx-h100", int zero = 1) => $$"""
        workload: training
        model: llama3.1-8b
        hardware: {{hardware}}
        cluster: {gpus: 8}
        precision: bf16
        parallelism: {tp: 1, pp: 1, dp: 8, zero: {{zero}}, microbatch: 1, recompute: full}
        training: {seq_len: 8192, global_batch: 64{{extra}}}
        """;

    static (Augur.CostModels.Training.TrainingEstimate Gpu, Augur.CostModels.Training.TrainingEstimate Host) Both(string share, string hardware = "dgx-h100")
    {
        var gpu = Scenarios.FromYaml(Yaml("", hardware));
        var host = Scenarios.FromYaml(Yaml($", optimizer_offload: {share}", hardware));
        var l = LayoutDefaults.Complete(gpu.Layout, 8);
        return (Scenarios.Training(gpu).Estimate(l), Scenarios.Training(host).Estimate(l));
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("0.5", 0.5)]
    public void The_offloaded_share_of_the_optimizer_leaves_HBM_and_nothing_else_does(string share, double f)
    {
        var (gpu, host) = Both(share);
        // 12 bytes per parameter of fp32 master and moments (fp32 gradients), sharded over 8 ranks.
        Assert.Equal(12 * LocalParameters, gpu.Memory.Optimizer.Value, 1e-6 * gpu.Memory.Optimizer.Value);
        Assert.Equal((1 - f) * 12 * LocalParameters, host.Memory.Optimizer.Value, 1.0);
        Assert.Equal((gpu.Memory.Weights, gpu.Memory.Gradients, gpu.Memory.Activations), (host.Memory.Weights, host.Memory.Gradients, host.Memory.Activations));
        // On the host: master, two moments and the pinned fp32 gradient copy, 16 bytes each.
        Assert.Equal(f * 16 * LocalParameters, host.HostOptimizer.Value, 1.0);
        Assert.Equal(0, gpu.HostOptimizer.Value);
    }

    [Fact]
    public void The_host_share_steps_at_the_measured_cpu_adam_rate()
    {
        var (gpu, host) = Both("1");
        // 1,003,782,656 parameters × 1.554 ns (NeMo-RL PR #3628's Qwen3-0.6B timing) = 1.5599 s, against the GPU's
        // 30 bytes per parameter at 0.85 × 3.35 TB/s = 10.6 ms.
        Assert.Equal(1.5599, host.Breakdown.Optimizer.Value, 3);
        Assert.Equal(LocalParameters * 30 / (0.85 * 3.35e12), gpu.Breakdown.Optimizer.Value, 4);
        Assert.Equal(gpu.Breakdown.Compute, host.Breakdown.Compute);
        var (_, half) = Both("0.5");
        Assert.Equal((gpu.Breakdown.Optimizer.Value + host.Breakdown.Optimizer.Value) / 2, half.Breakdown.Optimizer.Value, 6);
    }

    [Fact]
    public void An_optimizer_larger_than_the_host_memory_does_not_fit_and_says_where()
    {
        // 16 × 1,003,782,656 B = 16.06 GB of optimizer per GPU against a host of 10 GB per GPU.
        const string small = "{base: h100-sxm, host_memory: {name: small host, gb: 10, gb_s_one_way: 64}}";
        var (_, host) = Both("1", small);
        Assert.False(host.Fits);
        Assert.True(host.Memory.Total.Value < 80.0 * (1L << 30));
        var (code, output, _) = Cli.CliTests.Run("estimate", Cli.CliTests.Temp(Yaml(", optimizer_offload: 1", small)));
        Assert.Equal(0, code);
        // 16.06e9 B = 14.96 GiB; 10 GB = 9.31 GiB.
        Assert.Contains("DOES NOT FIT: needs 15.0 GiB per GPU of host memory for the optimizer of 9.3 GiB", output);
    }

    [Theory]
    [InlineData(", optimizer_offload: 1.5", "dgx-h100", 1, "0 to 1")]
    [InlineData(", optimizer_offload: 1", "dgx-h100", 0, "distributed optimizer")]
    [InlineData(", optimizer_offload: 1, optimizer_precision: bf16", "dgx-h100", 1, "fp32 master")]
    [InlineData(", optimizer_offload: 1", "mi300x", 1, "no host memory")]
    public void What_megatron_cannot_run_is_refused_in_one_line(string extra, string hardware, int zero, string says)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(extra, hardware, zero)));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains("optimizer_", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Megatron_exports_the_hybrid_optimizer_and_the_others_refuse_it()
    {
        var written = ExportCases.Written(ExportCases.Export("qwen3-30b-moe", "megatron", "parallelism.zero=1", "training.optimizer_offload=0.5"));
        Assert.Contains("--optimizer-cpu-offload", written.Keys);
        Assert.Contains("--use-precision-aware-optimizer", written.Keys);
        Assert.Equal("0.5", written["--optimizer-offload-fraction"]);
        var x = Assert.Throws<InputException>(() => ExportCases.Export("qwen3-30b-moe", "torchtitan", "parallelism.zero=1", "training.optimizer_offload=0.5"));
        Assert.Contains("training.optimizer_offload", x.Message);
    }

    [Fact]
    public void Plan_keeps_the_distributed_optimizer_the_host_optimizer_needs()
    {
        var s = Scenarios.FromYaml("workload: training\nmodel: llama3.1-8b\nhardware: dgx-h100\ncluster: {gpus: 8}\nparallelism: {tp: 1, pp: 1}\ntraining: {seq_len: 4096, global_batch: 64, optimizer_offload: 1}\n");
        var layouts = Augur.Search.Training.TrainingSearchSpace.Enumerate(s.Model, 8, 8, s.Training!, s.Layout).ToList();
        Assert.NotEmpty(layouts);
        Assert.All(layouts, l => Assert.Equal(1, l.Zero));
        Assert.NotEmpty(Augur.Search.Training.TrainingPlanner.Plan(Scenarios.Training(s), s, 3).Ranked);
    }

    [Fact]
    public void An_rl_trainer_takes_the_same_key_and_refuses_the_same_way()
    {
        string sample = Scenarios.Repo("samples/qwen3-32b-grpo-rl.yaml");
        Assert.Contains("optimizer_offload", BadInputTests.Refused("estimate", sample, "--set", "rl.trainer.optimizer_offload=2"));
        // The sample's trainer runs ZeRO 3 (Megatron-FSDP): the host optimizer needs the distributed optimizer.
        Assert.Contains("zero: 1", BadInputTests.Refused("estimate", sample, "--set", "rl.trainer.optimizer_offload=1"));
    }

    [Fact]
    public void A_ppo_critic_keeps_its_own_optimizer_share_on_the_host()
    {
        string Yaml(string algorithm) => File.ReadAllText(Scenarios.Repo("samples/qwen3-32b-grpo-rl.yaml"))
            .Replace("trainer: {tp: 8, zero: 3, microbatch: 1}", "trainer: {tp: 8, zero: 1, microbatch: 1, optimizer_offload: 1}", StringComparison.Ordinal)
            .Replace("algorithm: grpo", $"algorithm: {algorithm}", StringComparison.Ordinal);
        var grpo = Rl.RlTests.Estimate(Yaml("grpo"));
        var ppo = Rl.RlTests.Estimate(Yaml("ppo"));
        var critic = ppo.Training.Critic!;
        // The critic has the policy's shape and training here: its 16 host bytes per local parameter join the policy's; its
        // gradients are freed, not moved, while the colocated pool generates (its optimizer already on the host).
        Assert.Equal(grpo.Training.Model.HostOptimizerBytes(grpo.Training.Update.Layout).Value, critic.Model.HostOptimizerBytes(critic.Update.Layout).Value, 1.0);
        Assert.Equal(0, critic.Update.Memory.Optimizer.Value);
        double expected = grpo.Trainer.Host.Need.Value + critic.Model.HostOptimizerBytes(critic.Update.Layout).Value;
        Assert.Equal(expected, ppo.Trainer.Host.Need.Value, 1e-6 * expected);
    }

    [Fact]
    public void A_megatron_line_with_the_hybrid_optimizer_imports_its_share()
    {
        var o = Augur.Export.Import.ImportWorkflow.Run(new Augur.Export.Import.ImportRequest("megatron", """
            pretrain_gpt.py --tensor-model-parallel-size 8 --micro-batch-size 1 --global-batch-size 64 --seq-length 4096
              --bf16 --use-distributed-optimizer --optimizer-cpu-offload --optimizer-offload-fraction 0.5 --use-precision-aware-optimizer
            """, "h100-sxm", "llama3.1-70b", 64, null, null), Augur.Catalog.Loading.CatalogStore.Default, Scenarios.Repo("samples"));
        Assert.Equal(0.5, o.Scenario.Training!.OptimizerOffload);
        var all = Augur.Export.Import.ImportWorkflow.Run(new Augur.Export.Import.ImportRequest("megatron", """
            pretrain_gpt.py --tensor-model-parallel-size 8 --micro-batch-size 1 --global-batch-size 64 --seq-length 4096
              --bf16 --use-distributed-optimizer --optimizer-cpu-offload --use-precision-aware-optimizer
            """, "h100-sxm", "llama3.1-70b", 64, null, null), Augur.Catalog.Loading.CatalogStore.Default, Scenarios.Repo("samples"));
        // Megatron's --optimizer-offload-fraction defaults to 1.0 (arguments.py).
        Assert.Equal(1.0, all.Scenario.Training!.OptimizerOffload);
    }
}
