using Augur.CostModels.Analysis;
using Augur.CostModels.Memory;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Training;

/// <summary>Checks against Korthikanti et al. 2022 (arXiv 2205.05198), Fig. 1 and Table 2.</summary>
public class MemoryTests
{
    static ModelSpec Gpt(int layers, int hidden, int heads) => new()
    {
        Name = "gpt", Layers = layers, Hidden = hidden, Heads = heads, KvHeads = heads, HeadDim = hidden / heads,
        Ffn = 4 * hidden, Vocab = 51200, GatedMlp = false, Dropout = true, TiedEmbeddings = true,
    };

    [Theory]
    // 22B: 48 layers, h 6144, 64 heads, t=8 p=1; 175B: 96 layers, h 12288, 96 heads, t=8 p=8. Fig. 1: 45.6 GiB for both.
    [InlineData(48, 6144, 64, 1, 45.6)]
    [InlineData(96, 12288, 96, 8, 45.6)]
    public void Parameters_and_optimizer_match_figure_1(int layers, int hidden, int heads, int pp, double gib)
    {
        var m = Gpt(layers, hidden, heads);
        var pc = ParameterCounter.Count(m);
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 64, Precision = Augur.Domain.Hardware.Precision.BF16 };
        var l = new ParallelLayout(Tp: 8, Pp: pp, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 0, MicroBatch: 1, Recompute: Recompute.Selective);
        var mem = TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8);
        double states = (mem.Weights + mem.Gradients + mem.Optimizer).GiB;
        Assert.InRange(states, gib * 0.97, gib * 1.06);
    }

    [Theory]
    // Megatron-LM README, "Distributed Optimizer": bytes per parameter, d = 8. bf16 param, fp32 grads: 18 | 6 + 12/d;
    // fp16 param, fp16 grads (the optimizer keeps fp32 main grads): 20 | 4 + 16/d.
    [InlineData("bf16", 0, 18.0)]
    [InlineData("bf16", 1, 6 + 12.0 / 8)]
    [InlineData("fp16", 0, 20.0)]
    [InlineData("fp16", 1, 4 + 16.0 / 8)]
    public void Model_states_are_the_distributed_optimizers_buffers(string precision, int zero, double bytesPerParameter)
    {
        var m = Gpt(24, 2048, 16);
        var pc = ParameterCounter.Count(m);
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 64, Precision = precision == "fp16" ? Augur.Domain.Hardware.Precision.FP16 : Augur.Domain.Hardware.Precision.BF16 };
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: zero, MicroBatch: 1, Recompute: Recompute.Full);
        var mem = TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8);
        Assert.Equal(bytesPerParameter, (mem.Weights + mem.Gradients + mem.Optimizer).Value / pc.Total, 9);
    }

    [Theory]
    // The README table's fp16 row holds for any 16-bit gradient buffer: bf16 weights with bf16 gradients
    // (Megatron-Bridge's grad_reduce_in_fp32 = False) keep 2 + 2 + 16 = 20 bytes, 4 + 16/d distributed (d = 8).
    [InlineData(0, 20.0)]
    [InlineData(1, 4 + 16.0 / 8)]
    public void Sixteen_bit_gradient_buffers_leave_the_optimizer_an_fp32_copy_of_them(int zero, double bytesPerParameter)
    {
        var m = Gpt(24, 2048, 16);
        var pc = ParameterCounter.Count(m);
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 64, Precision = Augur.Domain.Hardware.Precision.BF16, GradientPrecision = Augur.Domain.Hardware.Precision.BF16 };
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: zero, MicroBatch: 1, Recompute: Recompute.Full);
        var mem = TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8);
        Assert.Equal(2.0 * pc.Total / (zero >= 2 ? 8 : 1), mem.Gradients.Value, 3);
        Assert.Equal(bytesPerParameter, (mem.Weights + mem.Gradients + mem.Optimizer).Value / pc.Total, 9);
    }

    /// <summary>The 22B GPT of Fig. 1 at tp8 with SP, no pipeline, selective recompute, one 2,048-token micro-batch.</summary>
    static (ModelSpec M, ParameterCount Pc, ParallelLayout L, TrainingJob Job) Gpt22bOnTp8()
    {
        var m = Gpt(48, 6144, 64);
        return (m, ParameterCounter.Count(m), new ParallelLayout(Tp: 8, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 0, MicroBatch: 1, Recompute: Recompute.Selective),
            new TrainingJob { SeqLen = 2048, GlobalBatch = 8, Precision = Augur.Domain.Hardware.Precision.BF16 });
    }

    [Fact]
    public void Fused_cross_entropy_holds_16_bit_logits()
    {
        // p = 1, t = 8, T = 2,048 tokens, V = 51,200: fp32 logits 4·2048·51200/8 = 52,428,800 B, TransformerEngine's
        // fused loss on the bf16 logits half that; both with the embedding output 4·2048·6144 = 50,331,648 B.
        var (m, pc, l, job) = Gpt22bOnTp8();
        Assert.Equal(102_760_448, TrainingMemory.Estimate(m, pc, job, l, TestCalibration.Any, 8).Logits.Value, 3);
        Assert.Equal(76_546_048, TrainingMemory.Estimate(m, pc, job with { FusedCrossEntropy = true }, l, TestCalibration.Any, 8).Logits.Value, 3);
    }

    [Fact]
    public void Offloaded_layers_leave_hbm_but_one_in_transit()
    {
        // 48 layers of the 22B GPT at tp8 with SP and selective recompute keep 34·s·h/t bytes each (b = 1, s = 2048);
        // offloading 20 keeps 48 − 20 + 1 = 29 of them, the activations' allocator share (fragmentation) on top of both.
        var (m, pc, l, job) = Gpt22bOnTp8();
        var cal = TestCalibration.Any;
        double layer = 34.0 * 2048 * 6144 / 8;
        var all = TrainingMemory.Estimate(m, pc, job, l, cal, 8);
        var offloaded = TrainingMemory.Estimate(m, pc, job with { OffloadLayers = 20 }, l, cal, 8);
        Assert.Equal(48 * layer * (1 + cal.Fragmentation), all.Activations.Value, 1);
        Assert.Equal(29 * layer * (1 + cal.Fragmentation), offloaded.Activations.Value, 1);
        Assert.Equal(20 * layer, TrainingMemory.OffloadBytes(m, job with { OffloadLayers = 20 }, l), 1);
        // Megatron offloads only without pipeline parallelism: a pp2 layout keeps everything.
        var pp2 = l with { Pp = 2 };
        Assert.Equal(TrainingMemory.Estimate(m, pc, job, pp2, cal, 8).Activations, TrainingMemory.Estimate(m, pc, job with { OffloadLayers = 20 }, pp2, cal, 8).Activations);
        Assert.Equal(0, TrainingMemory.OffloadBytes(m, job with { OffloadLayers = 20 }, pp2));
    }

    [Fact]
    public void Selective_recompute_with_sp_keeps_34_sbh_over_t_per_layer()
    {
        var m = Gpt(48, 6144, 64);
        var l = new ParallelLayout(Tp: 8, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 0, MicroBatch: 4, Recompute: Recompute.Selective);
        double tokens = 4 * 2048.0;
        double bytes = ActivationMemory.LayerBytes(m, l, tokens, 2048, AttentionKernel.Unfused, false, 0);
        Assert.Equal(34.0 * tokens * 6144 / 8, bytes, 1);
        // 22B, 48 layers: 9.6 GiB in Fig. 1 (b = 4).
        Assert.InRange(bytes * 48 / (1 << 30), 9.4, 9.8);
    }

    [Fact]
    public void No_recompute_adds_the_5as_over_h_term()
    {
        var m = Gpt(48, 6144, 64);
        var l = new ParallelLayout(Tp: 8, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 0, MicroBatch: 1, Recompute: Recompute.None);
        double s = 2048, tokens = s;
        double bytes = ActivationMemory.LayerBytes(m, l, tokens, s, AttentionKernel.Unfused, false, 0);
        Assert.Equal(s * 6144 / 8 * (34 + 5.0 * 64 * s / 6144), bytes, 1);
    }

    [Fact]
    public void Full_recompute_keeps_only_layer_inputs()
    {
        var m = Gpt(48, 6144, 64);
        var l = new ParallelLayout(Tp: 8, Pp: 1, Vp: 1, Dp: 1, Cp: 1, Ep: 1, Etp: 1, Sp: true, Zero: 0, MicroBatch: 1, Recompute: Recompute.Full);
        Assert.Equal(2.0 * 2048 * 6144 / 8, ActivationMemory.LayerBytes(m, l, 2048, 2048, AttentionKernel.Unfused, false, 0));
    }

    [Fact]
    public void Interleaving_multiplies_in_flight_activations()
    {
        // 64 layers on 8 stages: 8 per stage, 4 per chunk with v = 2. Korthikanti §4.2.3: p micro-batches × (1 + (p−1)/(p·v)).
        var even = PipelineSplit.Of(64, 8, 1);
        Assert.Equal(8.0 * 8, even.FirstInFlight(8, 1, 64));
        Assert.Equal(8.0 * 3, even.FirstInFlight(8, 1, 3));
        Assert.Equal(8.0, even.LastInFlight(8, 1, 64));
        var interleaved = PipelineSplit.Of(64, 8, 2);
        Assert.Equal(8.0 * 8 * (1 + 7.0 / 16), interleaved.FirstInFlight(8, 2, 64));
        // The last rank: 8 micro-batches of its first chunk (4 layers) and one of its last.
        Assert.Equal(8.0 * 4 + 4, interleaved.LastInFlight(8, 2, 64));
    }

    [Fact]
    public void Embedding_and_loss_take_a_layer_slot_when_layers_do_not_divide()
    {
        // Llama 3.1 405B, 126 layers on p = 16, v = 4: 128 slots, 2 per chunk; the first chunk holds the embedding and one
        // layer, the last chunk one layer and the loss. Megatron's interleaved warm-up on rank 0 is (16−1)·2 + 3·16 = 78 chunk
        // forwards plus one: 16 micro-batches of each of its 4 chunks (16 · 7 layers) and 15 more of the first (15 · 1).
        var split = PipelineSplit.Of(126, 16, 4);
        Assert.Equal(new PipelineSplit(7, 1, 7, 1), split);
        Assert.Equal(16 * 7 + 15 * 1, split.FirstInFlight(16, 4, 32), 9);
        // Without interleaving: 126 + 2 = 128 = 16 × 8, so 7 layers on the first and last stage, 8 elsewhere.
        Assert.Equal(new PipelineSplit(7, 7, 7, 7), PipelineSplit.Of(126, 16, 1));
        // 61 layers on 8 stages: no even split either way; ⌈61/8⌉ = 8 on the first stage, 61 − 7·8 = 5 on the last.
        Assert.Equal(new PipelineSplit(8, 8, 5, 5), PipelineSplit.Of(61, 8, 1));
    }

    [Fact]
    public void Fp8_training_keeps_quantized_gemm_inputs_beside_the_16_bit_attention_output()
    {
        // Llama 3.1 8B shapes, tp 1: the QKV and MLP inputs (2 × 4096) and the down projection's input (14,336) drop
        // from 2 bytes to 1; the output projection's FP8 copy (4096) is kept beside the attention output.
        var m = new ModelSpec
        {
            Name = "llama", Layers = 32, Hidden = 4096, Heads = 32, KvHeads = 8, HeadDim = 128, Ffn = 14336, Vocab = 128256,
            GatedMlp = true, Dropout = false, TiedEmbeddings = false,
        };
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.None);
        double bf16 = ActivationMemory.LayerBytes(m, l, 8192, 8192, AttentionKernel.Flash, false, 0);
        double fp8 = ActivationMemory.LayerBytes(m, l, 8192, 8192, AttentionKernel.Flash, false, 0, ActivationMemory.SavedGemmInputBytes(Augur.Domain.Hardware.Precision.FP8));
        Assert.Equal(8192 * (2 * 4096 - 4096 + 14336.0), bf16 - fp8);
        Assert.Equal(0.5625, ActivationMemory.SavedGemmInputBytes(Augur.Domain.Hardware.Precision.FP4));
    }

    [Fact]
    public void Low_precision_training_keeps_layer_weights_only_quantized_in_two_copies()
    {
        const string yaml = """
            workload: training
            model: llama3.1-8b
            hardware: dgx-b200
            cluster: {gpus: 8}
            precision: PREC
            parallelism: {tp: 1, pp: 1, dp: 8, zero: 1, microbatch: 1}
            training: {seq_len: 4096, global_batch: 8}
            """;
        double Weights(string p)
        {
            var s = Scenarios.FromYaml(yaml.Replace("PREC", p));
            return Scenarios.Training(s).Memory(Augur.CostModels.Training.LayoutDefaults.Complete(s.Layout, 8)).Weights.Value;
        }
        var stage = ParameterCounter.Count(Scenarios.FromYaml(yaml.Replace("PREC", "bf16")).Model).Stage(1);
        // FP8: a row-wise and a transposed 1-byte copy in place of the 2-byte weight, the same bytes.
        Assert.Equal(Weights("bf16"), Weights("fp8"), 1e-9 * Weights("bf16"));
        // NVFP4: two copies of 4 bits plus an FP8 scale per 16 (2 × 0.5625 bytes) in place of 2 bytes, for layer weights only.
        Assert.Equal((2 - 2 * 0.5625) * stage.Layers, Weights("bf16") - Weights("fp4"), 1e-6 * stage.Layers);
        Assert.Equal(2 * stage.Edges, Weights("bf16") - 2 * stage.Layers, 1e-6 * stage.Edges); // 2 × 128,256 × 4,096 that stay 16-bit
    }

    /// <summary>
    /// The expert all-to-all overlap pairs one micro-batch's forward with another's backward. Without pipelining the pair
    /// walks the layers in opposite directions (Megatron-LM combined_1f1b.py, model_chunk_schedule_plan.py get_layer(i) /
    /// pop_layer() @ e5ad09802d): one layer more than a micro-batch, as a model one layer deeper holds without the overlap.
    /// With pipelining the schedule adds a warm-up forward: one more chunk of the first stage's layers (12 of 24 at pp 2).
    /// </summary>
    [Fact]
    public void Expert_overlap_holds_one_more_layer_without_pipelining_and_one_more_chunk_with_it()
    {
        var job = new TrainingJob { SeqLen = 2048, GlobalBatch = 64, Precision = Augur.Domain.Hardware.Precision.BF16 };
        double Activations(int layers, int pp, bool overlap)
        {
            var m = Gpt(layers, 2048, 16);
            var l = new ParallelLayout(Tp: 1, Pp: pp, Vp: 1, Dp: 8, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 1, MicroBatch: 1, Recompute: Recompute.None) { OverlapExperts = overlap };
            return TrainingMemory.Estimate(m, ParameterCounter.Count(m), job, l, TestCalibration.Any, 8).Activations.Value;
        }
        double layer = Activations(25, 1, false) - Activations(24, 1, false);
        Assert.True(layer > 0);
        Assert.Equal(Activations(25, 1, false), Activations(24, 1, true), 1e-9 * layer);
        Assert.Equal(12 * layer, Activations(24, 2, true) - Activations(24, 2, false), 1e-6 * layer);
    }
}
