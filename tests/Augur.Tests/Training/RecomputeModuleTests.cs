using Augur.CostModels.Memory;
using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

/// <summary>
/// Megatron-core's --recompute-modules (transformer_layer.py, multi_latent_attention.py): what each module stops
/// keeping, worked out by hand from the tensors <see cref="ActivationMemory"/> lists, and what it costs again.
/// </summary>
public class RecomputeModuleTests
{
    // A full-iteration CUDA graph keeps the host out of the step, so the time recomputation adds is the GPU's own.
    const string DeepSeek = """
        workload: training
        model: deepseek-v3
        hardware: dgx-h100
        cluster: {gpus: 8}
        precision: fp8
        parallelism: {tp: 8, pp: 1, dp: 1, ep: 8, etp: 1, sp: true, zero: 1, microbatch: 1, recompute: RC}
        training: {seq_len: 4096, global_batch: 8, attention: flash, cuda_graphs: full}
        """;

    static readonly Augur.Domain.Models.ModelSpec V3 = Scenarios.FromYaml(DeepSeek.Replace("RC", "none")).Model;

    static ParallelLayout Layout(Recompute rc) => new(2, 1, 1, 4, 1, 8, 1, true, 1, 1, rc);

    static double Bytes(Recompute rc, bool moe, double visits = 4) =>
        ActivationMemory.LayerBytes(V3, Layout(rc), 4096, 4096, AttentionKernel.Flash, moe, visits);

    [Fact]
    public void Mla_up_proj_keeps_the_latents_and_drops_per_head_q_k_v()
    {
        // 2 bytes × (q: 128 heads × 192 + k,v: 128 × (192 + 128)) = 49,152 + 81,920 bytes a token, over tp 2.
        Assert.Equal(4096 * 65536.0, Bytes(Recompute.None, false) - Bytes(Recompute.MlaUpProj, false));
    }

    [Fact]
    public void Layernorm_drops_the_two_norm_outputs()
    {
        // 2 norms × 2 bytes × 7168, sharded over tp 2 by sequence parallelism.
        Assert.Equal(4096 * 14336.0, Bytes(Recompute.None, true) - Bytes(Recompute.LayerNorm, true));
    }

    [Fact]
    public void Moe_act_drops_the_activation_output_of_each_expert_visit()
    {
        // 4 visits a token (top-8 × etp 1 / tp 2), each 2 bytes × 2048.
        Assert.Equal(4096 * 4 * 4096.0, Bytes(Recompute.None, true) - Bytes(Recompute.MoeAct, true));
    }

    [Fact]
    public void Moe_keeps_only_the_block_input_and_mlp_leaves_moe_layers_alone()
    {
        // Routed: 4 visits × (2·7168 + 6·2048); shared expert: 6 × 2048 / tp 2.
        double moeBlock = 4 * (2 * 7168 + 6 * 2048) + 6 * 2048 / 2.0;
        Assert.Equal(4096 * moeBlock, Bytes(Recompute.None, true) - Bytes(Recompute.Moe, true));
        Assert.Equal(Bytes(Recompute.None, true), Bytes(Recompute.Mlp, true));
        // The dense layers' MLP (18,432 wide, gated): 6 × 18432 / tp 2.
        Assert.Equal(4096 * 6 * 18432 / 2.0, Bytes(Recompute.None, false) - Bytes(Recompute.Mlp, false));
    }

    [Fact]
    public void Recomputing_moe_repeats_the_dispatch_and_combine()
    {
        double a = EstimateWith("none").Breakdown.ExpertParallel.Value;
        double b = EstimateWith("[moe]").Breakdown.ExpertParallel.Value;
        Assert.True(a > 0);
        Assert.Equal(1.5, b / a, 9); // forward + backward dispatch and combine (4), then the recomputed forward's 2
    }

    [Fact]
    public void Mla_up_proj_adds_its_two_up_projections_to_the_hardware_flops()
    {
        var a = EstimateWith("none");
        var b = EstimateWith("mla_up_proj");
        double peak = 1978.9e12;
        double extra = (b.Hfu * b.StepTime.Value - a.Hfu * a.StepTime.Value) * peak * 8;
        // 2 FLOPs × 8 × 4096 tokens × 61 layers × (128·192·1536 + 128·(128+128)·512).
        double expected = 2.0 * 8 * 4096 * 61 * (128.0 * 192 * 1536 + 128.0 * 256 * 512);
        Assert.Equal(expected, extra, expected * 1e-9);
        Assert.True(b.StepTime.Value > a.StepTime.Value);
        Assert.True(b.Memory.Activations.Value < a.Memory.Activations.Value);
    }

    [Theory]
    [InlineData("[mla_up_proj, mlp]", Recompute.MlaUpProj | Recompute.Mlp, "mla_up_proj+mlp")]
    [InlineData("mla_up_proj+mlp", Recompute.MlaUpProj | Recompute.Mlp, "mla_up_proj+mlp")]
    [InlineData("\"mla_up_proj, mlp\"", Recompute.MlaUpProj | Recompute.Mlp, "mla_up_proj+mlp")]
    [InlineData("core_attn", Recompute.Selective, "selective")]
    [InlineData("full", Recompute.Full, "full")]
    public void Scenario_files_name_modes_or_modules(string text, Recompute expected, string shown)
    {
        var s = Scenarios.FromYaml(DeepSeek.Replace("RC", text));
        Assert.Equal(expected, s.Layout.Recompute);
        Assert.Equal(shown, RecomputeNames.Format(expected));
    }

    [Fact]
    public void A_misspelt_module_gets_the_nearest_name()
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(DeepSeek.Replace("RC", "[mla_up_proj, mpl]")));
        Assert.Contains("did you mean 'mlp'", e.Message);
    }

    [Fact]
    public void Modules_the_model_lacks_are_refused()
    {
        var s = Scenarios.FromYaml("""
            workload: training
            model: llama3.1-8b
            hardware: dgx-h100
            cluster: {gpus: 8}
            precision: bf16
            parallelism: {tp: 1, pp: 1, dp: 8, recompute: [mla_up_proj]}
            training: {seq_len: 4096, global_batch: 8}
            """);
        var l = Augur.CostModels.Training.LayoutDefaults.Complete(s.Layout, 8);
        Assert.Contains("mla_up_proj needs a model with multi-head latent attention", LayoutValidator.Check(s.Model, 8, l, 4096, 8));
        Assert.Null(LayoutValidator.Check(s.Model, 8, l with { Recompute = Recompute.Mlp | Recompute.LayerNorm }, 4096, 8));
    }

    [Theory]
    [InlineData("[selective, mlp]", "cannot be listed with modules")]
    [InlineData("[]", "the list is empty")]
    public void Whole_modes_do_not_mix_with_modules(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(DeepSeek.Replace("RC", text)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Shared_experts_needs_a_model_that_has_them()
    {
        var s = Scenarios.FromYaml(DeepSeek.Replace("deepseek-v3", "qwen3-30b-a3b").Replace("tp: 8, pp: 1, dp: 1", "tp: 4, pp: 1, dp: 2").Replace("RC", "[shared_experts]"));
        var l = Augur.CostModels.Training.LayoutDefaults.Complete(s.Layout, 8);
        Assert.Contains("has no shared experts", LayoutValidator.Check(s.Model, 8, l, 4096, 8));
    }

    [Fact]
    public void Plan_searches_the_rest_of_the_layout_around_named_modules()
    {
        var s = Scenarios.FromYaml("""
            workload: training
            model: deepseek-v3
            hardware: dgx-h100
            cluster: {gpus: 1024}
            precision: fp8
            parallelism: {tp: 2, pp: 16, ep: 64, recompute: [mla_up_proj, mlp]}
            training: {seq_len: 4096, global_batch: 8192}
            """);
        var plan = Augur.Search.Training.TrainingPlanner.Plan(Scenarios.Training(s), s, 3);
        Assert.NotEmpty(plan.Ranked);
        Assert.All(plan.Ranked, e => Assert.Equal(Recompute.MlaUpProj | Recompute.Mlp, e.Layout.Recompute));
    }

    [Fact]
    public void The_layer_being_recomputed_holds_its_dense_mlp_once()
    {
        // pp 1: the 3 dense layers' MLPs are dropped, one of them is rebuilt at a time.
        double a = EstimateWith("none").Memory.Activations.Value;
        double b = EstimateWith("[mlp]").Memory.Activations.Value;
        // FP8 training: the first GEMM's output in 16 bits (4 × 18,432) and the second's FP8 input (18,432), over tp 8.
        double perLayer = 4096 * 5 * 18432 / 8.0;
        Assert.Equal(2 * perLayer, (a - b) / (1 + TestFragmentation()), 1e-3 * perLayer);
    }

    /// <summary>The 8-GPU DeepSeek-V3 scenario above with <paramref name="recompute"/>, estimated at its layout.</summary>
    static Augur.CostModels.Training.TrainingEstimate EstimateWith(string recompute)
    {
        var s = Scenarios.FromYaml(DeepSeek.Replace("RC", recompute));
        return Scenarios.Training(s).Estimate(Augur.CostModels.Training.LayoutDefaults.Complete(s.Layout, 8));
    }

    static double TestFragmentation() => Augur.Catalog.Loading.CatalogStore.Default.Calibration(Scenarios.FromYaml(DeepSeek.Replace("RC", "none")).Cluster.Accelerator).Fragmentation;
}
