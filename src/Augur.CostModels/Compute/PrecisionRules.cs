using Augur.Domain.Hardware;

namespace Augur.CostModels.Compute;

/// <summary>
/// Which precision each part of a pass runs and is stored in, decided once for training, serving and memory.
/// </summary>
public static class PrecisionRules
{
    /// <summary>
    /// Activations travel and are stored in 16 bits; FP8/FP4 apply to the GEMM inputs and weights (Transformer Engine's
    /// recipes quantize inside each GEMM; serving engines keep hidden states in BF16).
    /// </summary>
    public const Precision Activations = Precision.BF16;

    /// <summary>Bytes of one activation element (<see cref="Activations"/>).</summary>
    public static readonly double ActivationBytes = Activations.BytesPerElement();

    /// <summary>
    /// The LM head (and the embedding) stay 16-bit whatever the layers' precision: Megatron-core builds the output
    /// layer as a plain <c>tensor_parallel.ColumnParallelLinear</c> (megatron/core/models/gpt/gpt_model.py), outside
    /// Transformer Engine's FP8 layers, and serving checkpoints leave <c>lm_head</c> unquantized. Its GEMM runs at this
    /// precision's rate and its weights are stored in <see cref="LmHeadBytes"/> per parameter, in training, serving and
    /// memory alike.
    /// </summary>
    public const Precision LmHead = Precision.BF16;

    /// <summary>Stored bytes per LM-head (and embedding) parameter.</summary>
    public static readonly double LmHeadBytes = LmHead.StoredBytesPerWeight();

    /// <summary>
    /// Attention runs in the format its keys and values are held in, when the accelerator has tensor cores for it,
    /// else in BF16: serving's KV cache (FP8 KV → FP8 attention as FlashAttention-3 FP8 and TensorRT-LLM's FP8 FMHA
    /// run it; BF16 KV → BF16, as FlashMLA is), training's K and V (<see cref="TrainingKeysAndValues"/>).
    /// </summary>
    public static Precision Attention(Accelerator a, Precision keysAndValues) =>
        a.Supports(keysAndValues) ? keysAndValues : Precision.BF16;

    /// <summary>
    /// The format training holds K and V in: the training precision, except that FP8/FP4 recipes quantize only GEMM
    /// inputs and leave attention's K and V in the 16-bit activations (Transformer Engine runs FP8 attention only when
    /// asked to, NVTE_FP8_DPA).
    /// </summary>
    public static Precision TrainingKeysAndValues(Precision training) =>
        training is Precision.FP8 or Precision.FP4 ? Activations : training;
}
