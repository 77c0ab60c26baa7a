using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Memory;
using Augur.CostModels.Operators;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

/// <summary>
/// MaxText remat policies (decoders.py get_remat_policy, base.yml's per-tensor choices), worked by hand on Llama 3.1
/// shapes: 70B d 8192, 64 heads, 8 KV heads, head 128; 8B d 4096, 32 heads, 8 KV heads, FFN 14336.
/// </summary>
public class RematPolicyTests
{
    static readonly CatalogStore Store = CatalogStore.Default;
    static readonly ParallelLayout One = new(Tp: 1, Pp: 1, Vp: 1, Dp: 64, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 3, MicroBatch: 1, Recompute: Recompute.None);

    [Fact]
    public void Each_named_tensor_keeps_its_size_where_the_policy_puts_it()
    {
        var m = Store.Model("llama3.1-70b").Spec;
        // The TPU7x recipe: layer input, context, q, k, v on the device: 8192 + 64·(128 + 2) + 8192 + 2·1024 = 26,752 elements.
        var onDevice = RematPolicy.Custom(new Dictionary<string, RematChoice>
        {
            ["decoder_layer_input"] = RematChoice.Device, ["context"] = RematChoice.Device, ["query_proj"] = RematChoice.Device,
            ["key_proj"] = RematChoice.Device, ["value_proj"] = RematChoice.Device, ["qkv_proj"] = RematChoice.Device,
        });
        Assert.Equal(2 * 26752, RematMemory.PerToken(m, One, onDevice, RematChoice.Device, false, 0));
        Assert.Equal(0, RematMemory.PerToken(m, One, onDevice, RematChoice.Offload, false, 0));
        // qkv_proj_offloaded: q, k, v (8192 + 1024 + 1024) to the host, the layer input (the scan's carry) on the device.
        var qkv = RematPolicy.Named("qkv_proj_offloaded")!;
        Assert.Equal(2 * 10240, RematMemory.PerToken(m, One, qkv, RematChoice.Offload, false, 0));
        Assert.Equal(2 * 8192, RematMemory.PerToken(m, One, qkv, RematChoice.Device, false, 0));
        // A dense MLP's output holds nothing (no gradient reads it); its two input projections 28,672 each.
        var minimal = RematPolicy.Named("minimal")!;
        Assert.Equal(2 * (8192 + 8192 + 2048 + 8192 + 2 * 28672), RematMemory.PerToken(m, One, minimal, RematChoice.Device, false, 0));
    }

    [Fact]
    public void Full_remat_reruns_every_projection_but_the_mlp_output_and_the_attention()
    {
        var acc = Store.Accelerator("tpu-v7");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        var cost = new LayerCost(Store.Model("llama3.1-8b").Spec, 2.0, 2.0);
        const double T = 4096, d = 4096, F = 14336;
        var s = new LayerShape { Tokens = T, FullContext = 2048, WindowContext = 2048, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash };
        double full = cost.Rematerialized(rates, s, RematPolicy.Named("full")!, false).HardwareFlops.Value;
        double kept = cost.Rematerialized(rates, s, RematPolicy.Named("minimal_with_context")!, false).HardwareFlops.Value;
        // q and out 4096², k and v 4096·1024, gate and up 4096·14336, at 2·T each; attention 2·32·(128 + 128)·T·2048.
        double expected = 2 * T * (2 * d * d + 2 * d * 1024 + 2 * d * F) + 2 * 32 * 256 * T * 2048;
        Assert.Equal(0, kept);
        Assert.Equal(expected, full, expected * 1e-12);
    }

    static string Yaml(string model, string hardware, string parallelism, string remat) => $$"""
        workload: training
        model: {{model}}
        hardware: {{hardware}}
        cluster: {gpus: 8}
        parallelism: {{parallelism}}
        training: {seq_len: 4096, global_batch: 64, remat: {{remat}}}
        """;

    [Fact]
    public void The_first_stage_offloads_the_layers_the_pipeline_split_gives_it()
    {
        // Llama 3.1 405B (126 layers, d = 16384, 128 query and 8 KV heads of 128) over 4 stages: 126 + 2 slots split 32 a
        // stage, the first holding 31 layers beside the embedding (not ⌈126/4⌉ = 32). qkv_proj_offloaded moves q, k and v:
        // 31 layers × 4,096 tokens × (16384 + 2·1024) × 2 B per micro-batch.
        var job = new TrainingJob { SeqLen = 4096, GlobalBatch = 64, Precision = Precision.BF16, Remat = RematPolicy.Named("qkv_proj_offloaded") };
        Assert.Equal(31.0 * 4096 * 18432 * 2, TrainingMemory.OffloadBytes(Store.Model("llama3.1-405b").Spec, job, One with { Pp = 4, Dp = 2 }));
    }

    [Fact]
    public void Offloaded_tensors_leave_hbm_and_cost_their_copies()
    {
        const string layout = "{tp: 1, pp: 1, dp: 8, microbatch: 1}";
        var device = Scenarios.Training(Scenarios.FromYaml(Yaml("llama3.1-8b", "tpu-v6e", layout, "save_qkv_proj")));
        var host = Scenarios.Training(Scenarios.FromYaml(Yaml("llama3.1-8b", "tpu-v6e", layout, "qkv_proj_offloaded")));
        var l = One with { Dp = 8, Zero = 0 };
        // 32 layers × 4,096 tokens × (4096 + 2·1024) × 2 B = 1,610,612,736 B leave HBM; one layer (50.3 MB) stays in transit.
        double moved = 32.0 * 4096 * 6144 * 2;
        Assert.Equal(moved, TrainingMemory.OffloadBytes(Store.Model("llama3.1-8b").Spec, new TrainingJob { SeqLen = 4096, GlobalBatch = 64, Precision = Precision.BF16, Remat = RematPolicy.Named("qkv_proj_offloaded") }, l));
        double saved = device.Memory(l).Activations.Value - host.Memory(l).Activations.Value;
        Assert.Equal((moved - moved / 32) * 1.05, saved, 1e-3 * saved);
        Assert.NotNull(host.Estimate(l).Breakdown.HostOffload);
        Assert.Null(device.Estimate(l).Breakdown.HostOffload);
    }

    [Fact]
    public void Vocab_tiling_holds_one_chunk_of_the_logits()
    {
        // 4,096 tokens × 128,256 vocabulary × 4 B (fp32) = 2,101,346,304 B at once; a quarter with four chunks.
        var l = One with { Dp = 8, Zero = 0 };
        string Scenario(string tiling) => $$"""
            workload: training
            model: llama3.1-8b
            hardware: tpu-v6e
            cluster: {gpus: 8}
            parallelism: {tp: 1, pp: 1, dp: 8, microbatch: 1}
            training: {seq_len: 4096, global_batch: 64, remat: full{{tiling}}}
            """;
        double whole = Scenarios.Training(Scenarios.FromYaml(Scenario(""))).Memory(l).Logits.Value;
        double tiled = Scenarios.Training(Scenarios.FromYaml(Scenario(", vocab_tiling: 4"))).Memory(l).Logits.Value;
        Assert.Equal(whole - 2_101_346_304 * 0.75, tiled, 1);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Scenario(", vocab_tiling: 0")));
        Assert.Contains("vocab_tiling", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama3.1-8b", "tpu-v6e", "{tp: 1, pp: 1}", "minimal_offload", "unknown MaxText remat policy")]
    [InlineData("llama3.1-8b", "tpu-v6e", "{tp: 1, pp: 1}", "{query_proj: host}", "use remat, device or offload")]
    [InlineData("llama3.1-8b", "tpu-v6e", "{tp: 1, pp: 1}", "{decoder_layer_input: remat}", "cannot be recomputed")]
    [InlineData("llama3.1-8b", "tpu-v6e", "{tp: 1, pp: 1}", "{mla_q: device}", "mla_q")]
    [InlineData("llama3.1-8b", "tpu-v6e", "{tp: 1, pp: 1, recompute: full}", "full", "remove parallelism.recompute")]
    [InlineData("llama3.1-8b", "h800", "{tp: 1, pp: 1}", "qkv_proj_offloaded", "no host memory tier")]
    [InlineData("deepseek-v3", "tpu-v6e", "{tp: 1, pp: 1}", "full", "without MLA")]
    public void A_policy_that_cannot_be_is_refused_in_one_line(string model, string hardware, string parallelism, string remat, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(model, hardware, parallelism, remat)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
