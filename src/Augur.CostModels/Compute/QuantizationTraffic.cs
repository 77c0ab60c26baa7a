using Augur.CostModels.Operators;
using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// The memory-bound kernels a low-precision training recipe runs around each GEMM: every GEMM input (the activation
/// in the forward pass, the output gradient in the backward pass) is read in 16 bits and written twice in the low
/// precision, once row-wise for its own GEMM and once column-wise (transposed) for the weight-gradient GEMM; each
/// layer weight likewise once per step. Bytes are per element of the 16-bit tensor; zero for 16-bit training.
/// </summary>
/// <remarks>
/// FP8: one fused kernel reads 2 B and writes 1 B row-wise and 1 B column-wise (Transformer Engine's cast-transpose for
/// per-tensor scaling, amax reduced in the same kernel; MXFP8Quantizer's row+column quantize on Blackwell), plus
/// MXFP8's E8M0 scale per 32 values in each direction (2/32 B). NVFP4 (NVIDIA/TransformerEngine@ad3f651f
/// transformer_engine/pytorch/csrc/quantizer.cpp, NVFP4Quantizer::quantize_impl; recipe in arXiv:2509.25149 §4 and
/// docs/features/low_precision_training/nvfp4/nvfp4.rst): activations and gradients first pass through
/// nvte_hadamard_transform_amax (read 2 B: the tensor's amax and its random-Hadamard-transformed transpose's, the
/// per-tensor scale needs both before any block is cast), then a row-wise cast (read 2 B, write ½ B + one E4M3 scale
/// per 16) and the column-wise Hadamard-transform-cast fusion for the wgrad GEMM (read 2 B, the same write); stochastic
/// rounding of gradients happens inside the cast. Weights skip the Hadamard transform and use 16×16 block scales: an
/// amax pass and one cast writing both directions (2 + 2 + 2·(½ + 1/256) B).
/// </remarks>
public readonly record struct QuantizationTraffic
{
    /// <summary>Bytes moved per element of a GEMM's activation or gradient input (16-bit read, both quantized copies written).</summary>
    public double BytesPerInputElement { get; init; }
    /// <summary>Kernel launches per quantized activation or gradient tensor.</summary>
    public double KernelsPerInput { get; init; }
    /// <summary>Bytes moved per layer-weight element when the step's quantized weights are made.</summary>
    public double BytesPerWeightElement { get; init; }

    /// <summary>The recipe a training precision runs: FP8 (per-tensor or MXFP8), FP4 (NVFP4); none at 16 or 32 bits.</summary>
    public static QuantizationTraffic ForTraining(Precision p) => p switch
    {
        Precision.FP8 => new() { BytesPerInputElement = 2 + 2 * (1 + 1.0 / 32), KernelsPerInput = 1, BytesPerWeightElement = 2 + 2 * (1 + 1.0 / 32) },
        Precision.FP4 => new()
        {
            BytesPerInputElement = 2 + 2 * (2 + Nvfp4Row), KernelsPerInput = 3,
            BytesPerWeightElement = 2 + 2 + 2 * (0.5 + 1.0 / 256),
        },
        _ => default,
    };

    /// <summary>One NVFP4 row: ½ B per value plus one E4M3 scale per 16 values.</summary>
    const double Nvfp4Row = 0.5 + 1.0 / 16;

    public bool None => BytesPerInputElement == 0;

    /// <summary>
    /// The cast kernels of one micro-batch: each quantized GEMM's input forward and output gradient backward
    /// (<paramref name="forward"/>), and the inputs a recomputed forward quantizes again (<paramref name="recomputed"/>).
    /// </summary>
    public double Seconds(in DeviceRates r, in LayerTime forward, in LayerTime recomputed)
    {
        if (None) return 0;
        double elements = forward.QuantizedInputs + forward.QuantizedGradients + recomputed.QuantizedInputs;
        double kernels = (2 * forward.QuantizedGemms + recomputed.QuantizedGemms) * KernelsPerInput;
        return elements * BytesPerInputElement / r.Memory.BytesPerSecond + kernels * r.KernelOverhead.Value;
    }

    /// <summary>Quantizing <paramref name="weights"/> layer-weight elements (once per step).</summary>
    public double WeightSeconds(in DeviceRates r, double weights) => weights * BytesPerWeightElement / r.Memory.BytesPerSecond;
}
