namespace Augur.CostModels.Operators;

/// <summary>
/// The memory-bound work an MoE layer does around its expert GEMMs and its all-to-all (docs/FORMULAS.md §3): the
/// router's passes over its scores after the gating GEMM, and the permutations that put routed token copies in
/// expert order and back. Each is a byte count; <see cref="LayerCost"/> times them as streaming passes.
/// </summary>
public static class MoeTraffic
{
    /// <summary>Router logits and probabilities are kept in fp32 (Megatron-core's router computes its scores and top-k in fp32; moe_router_dtype).</summary>
    public const double RouterElementBytes = 4;

    /// <summary>
    /// Passes over the T×E fp32 scores after the gating GEMM: the softmax (or sigmoid) reads and writes them, top-k
    /// reads them, and the routing map and the kept probabilities are written (Megatron-core router.py
    /// topk_softmax_with_capacity: softmax, topk, scatter into probs and routing_map).
    /// </summary>
    public const double RouterPasses = 4;

    /// <summary>Kernels of those passes: softmax, top-k, scatter.</summary>
    public const int RouterKernels = 3;

    /// <summary>
    /// Training's load-balancing loss scores the logits again and sums them per expert (Megatron-core moe_utils.py:
    /// compute_routing_scores_for_aux_loss runs its own softmax, read and write; switch_load_balancing_loss_func sums
    /// the scores over tokens, a read, and takes their product with the tokens per expert).
    /// </summary>
    public const double AuxiliaryLossPasses = 3;

    /// <summary>Kernels of the load-balancing loss: its softmax, the per-expert sum and the product-sum.</summary>
    public const int AuxiliaryLossKernels = 3;

    /// <summary>Bytes of the router's work after its GEMM over <paramref name="tokens"/> tokens and <paramref name="experts"/> experts.</summary>
    public static double RouterBytes(double tokens, int experts, bool auxiliaryLoss) =>
        tokens * experts * RouterElementBytes * (RouterPasses + (auxiliaryLoss ? AuxiliaryLossPasses : 0));

    /// <summary>Kernels of the router's work after its GEMM.</summary>
    public static int RouterKernelCount(bool auxiliaryLoss) => RouterKernels + (auxiliaryLoss ? AuxiliaryLossKernels : 0);

    /// <summary>
    /// One permutation of <paramref name="rows"/> routed token copies of <paramref name="hidden"/> elements: every row
    /// is read and written once, 2·rows·d·bytes. The dispatch side gathers token copies into expert order
    /// (Megatron-core moe_utils.py permute: index_select over the sorted routing map; TensorRT-LLM's
    /// expandInputRows); the combine side reads them back, scales each by its probability and sums a token's k
    /// copies (unpermute: scatter_add; finalizeMoeRouting). MegaBlocks (arXiv:2211.15841) runs the same gather and
    /// scatter around its block-sparse expert GEMMs. No arithmetic to speak of: the HBM rate sets the time.
    /// </summary>
    public static double PermutationBytes(double rows, int hidden, double elementBytes) => 2.0 * rows * hidden * elementBytes;

    /// <summary>
    /// Permutations in each direction (dispatch, combine) of one MoE forward: one, and a second when the GPU sorts
    /// the rows it received by local expert (Megatron-core's alltoall dispatcher, token_dispatcher.py: "Permutation 2:
    /// Sort tokens by local expert" after the exchange when a rank holds more than one expert, and its inverse before
    /// the combine exchange).
    /// </summary>
    public static int PermutationsPerDirection(bool sortsByLocalExpert) => sortsByLocalExpert ? 2 : 1;
}
