using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Operators;

/// <summary>
/// What one GPU computes in one transformer layer for one forward pass: the single description that
/// training, prefill and decode all hand to <see cref="LayerCost"/>. Built by name.
/// </summary>
public readonly record struct LayerShape
{
    /// <summary>Tokens whose attention and dense MLP this GPU's TP group computes (b·s/cp in training, the batch in decode).</summary>
    public required double Tokens { get; init; }
    /// <summary>Average tokens each of them attends to in full-attention layers.</summary>
    public required double FullContext { get; init; }
    /// <summary>Average attended tokens in sliding-window layers.</summary>
    public required double WindowContext { get; init; }
    /// <summary>Average attended tokens in chunked-attention layers (<see cref="Analysis.AttentionSpan"/>).</summary>
    public double ChunkContext { get; init; }
    /// <summary>Average tokens DeepSeek Sparse Attention's top-k selection leaves each query.</summary>
    public double SparseContext { get; init; }
    /// <summary>Fraction of <see cref="Tokens"/> that are decoding steps (one token of a sequence at a time); 0 in training.</summary>
    public double DecodeShare { get; init; }
    /// <summary>Cached tokens this GPU's decoding sequences hold per layer (what an indexer over every earlier token reads).</summary>
    public double CachedTokens { get; init; }
    /// <summary>Sequences among <see cref="Tokens"/> that decode (serving; 0 in training and prefill).</summary>
    public double DecodeSequences { get; init; }
    /// <summary>Cached keys each decoding sequence reads per softmax-attention layer (windows and chunks counted).</summary>
    public double DecodeKeys { get; init; }
    /// <summary>Tensor-parallel degree of attention and dense MLP.</summary>
    public required int Tp { get; init; }
    /// <summary>Norm/residual activations sharded over TP (otherwise replicated).</summary>
    public bool SequenceParallel { get; init; }
    /// <summary>The linear-attention mixers run whole on every TP rank (<see cref="Domain.Workloads.TrainingJob.ReplicatedLinearAttention"/>).</summary>
    public bool ReplicatedLinearAttention { get; init; }
    /// <summary>Token×expert visits this GPU's routed experts process in one MoE layer.</summary>
    public double ExpertTokenVisits { get; init; }
    /// <summary>Routed experts on this GPU whose weights are read in one MoE layer.</summary>
    public double ExpertsTouched { get; init; }
    /// <summary>Routed experts this GPU holds (E / ep); 0 = all of them. Picks the nearest measured fused MoE layer (<see cref="Compute.MeasuredMoe"/>).</summary>
    public double ExpertsPerRank { get; init; }
    /// <summary>
    /// The received expert rows are sorted by local expert after the exchange and back before the combine (Megatron-core's
    /// alltoall dispatcher with more than one expert per rank): a second permutation each way (<see cref="MoeTraffic.PermutationsPerDirection"/>).
    /// </summary>
    public bool SortsByLocalExpert { get; init; }
    /// <summary>
    /// Expert slots of a sequence (E·C) when the layer dispatches and combines by einsum against a capacity mask
    /// (<see cref="ExpertCapacity"/>): each token multiplies against them twice. 0 for a permuting dispatcher.
    /// </summary>
    public double EinsumSlots { get; init; }
    /// <summary>The dispatcher waits on the host for the token counts before its exchange (<see cref="DispatchSync"/>).</summary>
    public bool SyncsBeforeDispatch { get; init; }
    /// <summary>The router also computes a load-balancing loss (training).</summary>
    public bool AuxiliaryLoss { get; init; }
    /// <summary>Tensor-parallel degree inside each expert.</summary>
    public int Etp { get; init; }
    /// <summary>Fused (flash) or unfused attention.</summary>
    public AttentionKernel Kernel { get; init; }
    /// <summary>KV-cache bytes this GPU reads per layer (decode); zero when K/V are produced in the same pass.</summary>
    public Bytes KvBytesPerLayer { get; init; }
    /// <summary>
    /// MLA only: the fraction of attended (query, key) pairs computed on the cached latent in the weight-absorbed
    /// form (decode tokens reading the cache); the rest use the expanded per-head K and V (prefill, training).
    /// </summary>
    public double LatentAttentionShare { get; init; }
}

/// <summary>
/// Forward time of one layer (or a sum of layers) on one GPU by operator kind, its hardware FLOPs and the weight
/// bytes its GEMMs read, and what low-precision training quantizes around its GEMMs. <c>default</c> is zero.
/// </summary>
public readonly record struct LayerTime
{
    public Seconds Gemm { get; init; }
    public Seconds Attention { get; init; }
    public Seconds Elementwise { get; init; }
    /// <summary>Time the GPU idles waiting on the host (a forward-pass synchronisation; the backward does not repeat it).</summary>
    public Seconds HostStall { get; init; }
    public Flops HardwareFlops { get; init; }
    public Bytes WeightBytes { get; init; }
    /// <summary>Elements of the GEMM inputs an FP8/FP4 recipe quantizes in the forward pass (m·k per GEMM).</summary>
    public double QuantizedInputs { get; init; }
    /// <summary>Elements of the output gradients it quantizes in the backward pass (m·n per GEMM).</summary>
    public double QuantizedGradients { get; init; }
    /// <summary>Quantized GEMMs (one quantization of the input forward, one of the gradient backward, each).</summary>
    public double QuantizedGemms { get; init; }

    public Seconds Total => Gemm + Attention + Elementwise + HostStall;

    public static LayerTime operator +(LayerTime a, LayerTime b) => new()
    {
        Gemm = a.Gemm + b.Gemm, Attention = a.Attention + b.Attention, Elementwise = a.Elementwise + b.Elementwise,
        HostStall = a.HostStall + b.HostStall, HardwareFlops = a.HardwareFlops + b.HardwareFlops, WeightBytes = a.WeightBytes + b.WeightBytes,
        QuantizedInputs = a.QuantizedInputs + b.QuantizedInputs, QuantizedGradients = a.QuantizedGradients + b.QuantizedGradients,
        QuantizedGemms = a.QuantizedGemms + b.QuantizedGemms,
    };

    public static LayerTime operator *(LayerTime a, double k) => new()
    {
        Gemm = a.Gemm * k, Attention = a.Attention * k, Elementwise = a.Elementwise * k, HostStall = a.HostStall * k,
        HardwareFlops = a.HardwareFlops * k, WeightBytes = a.WeightBytes * k,
        QuantizedInputs = a.QuantizedInputs * k, QuantizedGradients = a.QuantizedGradients * k, QuantizedGemms = a.QuantizedGemms * k,
    };
}
