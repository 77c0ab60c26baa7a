using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.Tests.Operators;

/// <summary>
/// The stage pass composed by hand on an idealised GPU: every precision at 100 TFLOP/s, HBM so fast that memory
/// traffic costs nothing, no kernel or per-row overhead; scale-up 100 GB/s with α = 5 µs in domains of 8, scale-out
/// 50 GB/s with α = 10 µs. A layer of the toy model (d = 1024, 8 heads of 128, MLP 4096, plain) on T = 2048 tokens at
/// context 1024 with tp = 2 does 24·2³⁰ GEMM FLOPs (QKV 6, output 2, MLP 16) and 4·2³⁰ attention FLOPs
/// (2·4 heads·256·T·c = 2³²) per GPU.
/// </summary>
public class PassComposerTests
{
    const double Rate = 1e14, Alpha = 5e-6, Beta = 100e9, AlphaOut = 10e-6, BetaOut = 50e9;
    const double Gibi = 1 << 30;
    const int T = 2048, Layers = 4;
    /// <summary>Forward GEMM and attention seconds of one layer at tp = 2.</summary>
    const double LayerGemm = 24 * Gibi / Rate, LayerAttention = 4 * Gibi / Rate;
    /// <summary>The tp = 2 all-reduce of T·d·2 bytes inside a domain: ring 2(p−1)α + 2(p−1)/p·n/β (the tree's 2n/β is slower).</summary>
    const double AllReduce2 = 2 * Alpha + T * 1024 * 2.0 / Beta;

    static readonly ModelSpec DenseModel = new()
    {
        Name = "toy", Layers = Layers, Hidden = 1024, Heads = 8, KvHeads = 8, HeadDim = 128, Ffn = 4096, Vocab = 32768, GatedMlp = false,
    };

    static readonly ModelSpec MoeModel = DenseModel with { Name = "toy-moe", Moe = new MoeSpec(8, 2, 0, 1024, 0, 0) };

    static PassComposer Composer(ModelSpec model, bool inNetworkReduction = false, double scaleUpGBps = Beta / 1e9, LoraSpec? lora = null)
    {
        var cal = TestCalibration.Any with
        {
            GemmEfficiency = Enumerable.Repeat(1.0, PrecisionInfo.Count).ToArray(),
            AttentionEfficiency = Enumerable.Repeat(1.0, PrecisionInfo.Count).ToArray(),
            AttentionRowOverheadTokens = 0, AttentionBackwardRowOverheadTokens = 0, MemoryEfficiency = 1, KernelOverhead = Seconds.Zero,
            ScaleUp = new TierCalibration(1.0, new Seconds(Alpha)), ScaleOut = new TierCalibration(1.0, new Seconds(AlphaOut)),
            InNetworkReductionGain = 1.25,
        };
        var acc = CatalogStore.Default.Accelerator("h100-sxm") with
        {
            DensePeak = Enumerable.Repeat(new FlopRate(Rate), PrecisionInfo.Count).ToArray(), HbmBandwidth = new Bandwidth(1e40),
        };
        var cluster = new Cluster { Accelerator = acc, Gpus = 64, Tiers = Cluster.TwoTiers(8, Bandwidth.FromGBps(scaleUpGBps), new Bandwidth(BetaOut), 64, inNetworkReduction) };
        var rates = new DeviceRates(acc, cal, Precision.BF16);
        return new PassComposer(model, new LayerCost(model, 2, 2), rates, rates, cluster, cal) { Lora = lora };
    }

    static LayerShape Shape(int tp, bool sp = false) => new()
    {
        Tokens = T, FullContext = 1024, WindowContext = 0, Tp = tp, SequenceParallel = sp, Etp = 1, Kernel = AttentionKernel.Flash,
        ExpertTokenVisits = T * 2.0 / 4, ExpertsTouched = 2,
    };

    static StagePass Pass(int tp = 2, bool backward = false, Recompute recompute = Recompute.None, bool sp = false) =>
        new() { Shape = Shape(tp, sp), DenseLayers = Layers, MoeLayers = 0, Backward = backward, Recompute = recompute };

    static void Near(double expected, Seconds actual) => Assert.Equal(expected, actual.Value, expected * 1e-9 + 1e-15);

    [Fact]
    public void A_forward_pass_is_the_layers_once_and_two_all_reduces_per_layer()
    {
        var c = Composer(DenseModel).Compose(Pass());
        Near(Layers * LayerGemm, c.Gemm);
        Near(Layers * LayerAttention, c.Attention);
        Near(Layers * (LayerGemm + LayerAttention), c.Forward.Total);
        Assert.Equal(Layers * 28 * Gibi, c.Forward.HardwareFlops.Value, 1);
        // 2 · 4 layers · (2·5 µs + 4,194,304 B / 100 GB/s) = 8 · 51.94 µs.
        Near(2 * Layers * AllReduce2, c.TensorParallel);
        Assert.Equal(415.54432e-6, c.TensorParallel.Value, 1e-12);
        Near(0, c.ContextParallel + c.ExpertParallel + c.PipelineP2P + c.HeadTime);
    }

    [Fact]
    public void Backward_doubles_gemms_and_runs_flash_attention_at_two_and_a_half_times_with_four_collectives_per_layer()
    {
        var c = Composer(DenseModel).Compose(Pass(backward: true));
        Near(3 * Layers * LayerGemm, c.Gemm);
        Near(3.5 * Layers * LayerAttention, c.Attention);
        Near(4 * Layers * AllReduce2, c.TensorParallel);
        // The forward alone is still reported (data-parallel overlap hides behind it).
        Near(Layers * LayerGemm, c.Forward.Gemm);
    }

    [Fact]
    public void A_frozen_base_runs_each_gemm_forward_and_for_its_input_gradient_only_and_the_adapters_three_times()
    {
        // LoRA rank 8 on qkv and proj at tp 2, 2,048 tokens: qkv (column-parallel) 1024 → 3072/2, 2·2048·8·(1024 + 1536)
        // FLOPs; proj (row-parallel) 1024/2 → 1024, 2·2048·8·(512 + 1024): 2^27 per layer forward, at the toy rate. The
        // base's GEMMs run forward and for their input gradients (2 passes, not 3); the adapters 3 times. Attention and
        // collectives do not change.
        var lora = new LoraSpec { Rank = 8, Targets = LoraTargets.Attention };
        double adapter = 134_217_728 / Rate;
        var full = Composer(DenseModel).Compose(Pass(backward: true));
        var c = Composer(DenseModel, lora: lora).Compose(Pass(backward: true));
        Near(2 * Layers * LayerGemm + 3 * Layers * adapter, c.Gemm);
        Near(3.5 * Layers * LayerAttention, c.Attention);
        Near(full.TensorParallel.Value, c.TensorParallel);
        // A forward-only pass (a log-probability pass) runs the adapters once.
        Near(Layers * (LayerGemm + adapter), Composer(DenseModel, lora: lora).Compose(Pass()).Gemm);
    }

    [Fact]
    public void Full_recompute_reruns_the_forward_and_its_two_collectives()
    {
        var c = Composer(DenseModel).Compose(Pass(backward: true, recompute: Recompute.Full));
        Near(4 * Layers * LayerGemm, c.Gemm);
        Near(4.5 * Layers * LayerAttention, c.Attention);
        Near(6 * Layers * AllReduce2, c.TensorParallel);
    }

    [Fact]
    public void A_recomputed_mlp_reruns_its_gemms_and_one_collective_per_layer()
    {
        // The MLP's two GEMMs are 16·2³⁰ FLOPs of the layer's 24.
        var c = Composer(DenseModel).Compose(Pass(backward: true, recompute: Recompute.Mlp));
        Near(3 * Layers * LayerGemm + Layers * 16 * Gibi / Rate, c.Gemm);
        Assert.Equal(Layers * 16 * Gibi, c.RecomputedFlops.Value, 1);
        Near(5 * Layers * AllReduce2, c.TensorParallel);
    }

    [Fact]
    public void Sequence_parallel_pairs_an_all_gather_with_a_reduce_scatter_without_the_in_network_gain()
    {
        // tp = 4, n = 4,194,304 B: all-gather 3α + ¾·n/β; with NVLS the all-reduce's ring runs at 1.25·β.
        var composer = Composer(DenseModel, inNetworkReduction: true);
        double n = T * 1024 * 2.0, gather = 3 * Alpha + 0.75 * n / Beta, allReduce = 6 * Alpha + 1.5 * n / (1.25 * Beta);
        Near(2 * Layers * 2 * gather, composer.Compose(Pass(tp: 4, sp: true)).TensorParallel);
        Near(2 * Layers * allReduce, composer.Compose(Pass(tp: 4)).TensorParallel);
    }

    [Theory]
    [InlineData(1000.0)]
    [InlineData(10.0)]
    public void Context_parallel_k_v_exchange_is_exposed_only_beyond_the_attention_it_overlaps(double scaleUpGBps)
    {
        // tp = 1, cp = 2: each layer gathers T·cp·(2·8·128·2 B) = 16,777,216 B, α + ½·n/β; attention at tp = 1 is
        // 2³³ FLOPs (85.9 µs) forward and 2.5× that backward, where the dK/dV reduce-scatter is twice the gather.
        double beta = scaleUpGBps * 1e9, gather = Alpha + 0.5 * 16_777_216 / beta, attention = 8 * Gibi / Rate;
        var c = Composer(DenseModel, scaleUpGBps: scaleUpGBps).Compose(Pass(tp: 1, backward: true) with { ContextParallel = 2 });
        double exposed = Layers * (Math.Max(0, gather - attention) + Math.Max(0, 2 * gather - 2.5 * attention));
        Near(exposed, c.ContextParallel);
        if (scaleUpGBps >= 1000) Assert.Equal(0, c.ContextParallel.Value); // 13.4 µs hides behind 85.9 µs
        else Assert.Equal(4 * (757.96145408e-6 + 1472.9732352e-6), c.ContextParallel.Value, 1e-12); // 843.9 µs does not
    }

    [Fact]
    public void Ulysses_context_parallel_pays_two_all_to_alls_per_layer_and_direction_in_full()
    {
        // tp = 2, cp = 2 inside one domain: a rank holds T = 2048 tokens of 4 heads and 4 KV heads of 128. Q, K and V are
        // (4·128 + 4·256)·2 B = 3,072 B a token, 6,291,456 B, half of it to the other rank: α + 3,145,728 B / β = 36.457 µs;
        // the output 4·128·2 B = 1,024 B a token, α + 1,048,576 B / β = 15.486 µs. 51.943 µs a layer and direction, however
        // fast the link is beside the attention: nothing overlaps it.
        var pass = Pass(tp: 2) with { ContextParallel = 2, ContextParallelComm = ContextParallelComm.AllToAll };
        double layer = (Alpha + 3_145_728 / Beta) + (Alpha + 1_048_576 / Beta);
        var composer = Composer(DenseModel);
        Near(Layers * layer, composer.Compose(pass).ContextParallel);
        Assert.Equal(207.77216e-6, composer.Compose(pass).ContextParallel.Value, 1e-12);
        Near(2 * Layers * layer, composer.Compose(pass with { Backward = true }).ContextParallel);
        Near(3 * Layers * layer, composer.Compose(pass with { Backward = true, Recompute = Recompute.Full }).ContextParallel);
        // Ring attention on a fast link hides its K/V behind the attention instead.
        Near(0, Composer(DenseModel, scaleUpGBps: 1000).Compose(pass with { ContextParallelComm = ContextParallelComm.P2P }).ContextParallel);
    }

    [Fact]
    public void Ulysses_needs_each_tp_ranks_heads_and_kv_heads_to_divide_over_cp()
    {
        // Llama 3.1 8B: 32 heads, 8 KV heads. tp 4 leaves 8 heads and 2 KV heads a rank: cp 2 divides both, cp 4 not the KV heads.
        var llama = CatalogStore.Default.Model("llama3.1-8b").Spec;
        var ok = new ParallelLayout(Tp: 4, Pp: 1, Vp: 1, Dp: 4, Cp: 2, Ep: 1, Etp: 1, Sp: true, Zero: 1, MicroBatch: 1, Recompute: Recompute.None);
        Assert.Null(LayoutValidator.Check(llama, 32, ok, 8192, 8, cpComm: ContextParallelComm.AllToAll));
        var bad = ok with { Cp = 4, Dp = 2 };
        Assert.Null(LayoutValidator.Check(llama, 32, bad, 8192, 8));
        Assert.Equal("cp_comm a2a splits each tp rank's 8 heads and 2 KV heads over cp=4, which does not divide them; lower cp or tp, or use cp_comm: p2p",
            LayoutValidator.Check(llama, 32, bad, 8192, 8, cpComm: ContextParallelComm.AllToAll));
    }

    [Fact]
    public void Expert_exchange_is_dispatch_plus_combine_per_moe_layer_and_direction()
    {
        // Four ranks inside one domain, top-2, 2048 tokens per rank at 1.5× the mean on the busiest: dispatch in 1 byte
        // moves 2048·1024·1·1.5·2 = 6,291,456 B, ¾ of it to other ranks; combine twice that in 2 bytes.
        var composer = Composer(MoeModel);
        var exchange = new TokenExchange { TokensPerRank = T, Copies = 2, Ranks = 4, Stride = 1, DispatchBytesPerElement = 1, Busiest = 1.5 };
        double dispatch = 6_291_456 * 0.75 / Beta + Alpha, combine = 2 * 6_291_456 * 0.75 / Beta + Alpha;
        var pass = new StagePass { Shape = Shape(1), DenseLayers = 0, MoeLayers = Layers, Experts = exchange };
        Near(Layers * (dispatch + combine), composer.Compose(pass).ExpertParallel);
        Near(2 * Layers * (dispatch + combine), composer.Compose(pass with { Backward = true }).ExpertParallel);
        Near(3 * Layers * (dispatch + combine), composer.Compose(pass with { Backward = true, Recompute = Recompute.Moe }).ExpertParallel);
        // Other traffic taking a quarter of the link leaves three quarters to the exchange.
        Near(Layers * (dispatch + combine) / 0.75, composer.Compose(pass with { Experts = exchange with { LinkShare = 0.25 } }).ExpertParallel);
        Near(0, composer.Compose(pass with { Experts = null }).ExpertParallel);
    }

    [Fact]
    public void An_moe_forward_that_reruns_exchanges_again_and_syncs_with_the_host_again()
    {
        // One host round trip (26.1 µs) per MoE layer forward. The forward pays 4 of them; a backward that reruns the MoE
        // forward (the moe module recomputed, full recompute, or any MaxText remat policy) pays 4 more with a third exchange.
        var composer = Composer(MoeModel);
        var exchange = new TokenExchange { TokensPerRank = T, Copies = 2, Ranks = 4, Stride = 1, DispatchBytesPerElement = 1, Busiest = 1.5 };
        var pass = new StagePass { Shape = Shape(1) with { SyncsBeforeDispatch = true }, DenseLayers = 0, MoeLayers = Layers, Experts = exchange, Backward = true };
        var plain = composer.Compose(pass);
        Near(Layers * 26.1e-6, plain.HostStall);
        foreach (var rerun in new[] { pass with { Recompute = Recompute.Moe }, pass with { Recompute = Recompute.Full }, pass with { Remat = RematPolicy.Named("minimal") } })
        {
            var c = composer.Compose(rerun);
            Near(2 * Layers * 26.1e-6, c.HostStall);
            Near(1.5 * plain.ExpertParallel.Value, c.ExpertParallel);
        }
    }

    [Fact]
    public void Pipeline_hops_send_the_activations_once_per_boundary_and_direction()
    {
        // Stages 8 GPUs apart sit in different domains: T·d·2 = 4,194,304 B over 50 GB/s + 10 µs per hop; with SP each
        // GPU sends its 1/tp share.
        var composer = Composer(DenseModel);
        double hop = 4_194_304 / BetaOut + AlphaOut;
        Near(2 * hop, composer.Compose(Pass() with { StageHops = 2, StageGpus = 8 }).PipelineP2P);
        Near(2 * 2 * hop, composer.Compose(Pass(backward: true) with { StageHops = 2, StageGpus = 8 }).PipelineP2P);
        Near(2 * 2 * (4_194_304 / 2 / BetaOut + AlphaOut), composer.Compose(Pass(backward: true, sp: true) with { StageHops = 2, StageGpus = 8 }).PipelineP2P);
    }

    [Fact]
    public void The_lm_head_runs_once_forward_and_three_times_with_its_backward()
    {
        // 2·T·(V/tp)·d = 2·2048·16384·1024 = 2³⁶ FLOPs.
        var composer = Composer(DenseModel);
        double head = 64 * Gibi / Rate;
        Near(head, composer.Compose(Pass() with { LogitTokens = T }).HeadTime);
        Near(3 * head, composer.Compose(Pass(backward: true) with { LogitTokens = T }).HeadTime);
        Assert.Equal(64 * Gibi, composer.Compose(Pass() with { LogitTokens = T }).Head.HardwareFlops.Value, 1);
    }
}
