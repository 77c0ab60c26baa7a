namespace Augur.CostModels.Memory;

/// <summary>
/// How many layers the first and last pipeline stages hold, and their first and last model chunks. Megatron splits
/// the L layers evenly over p·v model chunks; when L is not a multiple of p·v its account_for_embedding_in_pipeline_split
/// and account_for_loss_in_pipeline_split options count the embedding and the loss as a layer each (Megatron-Bridge's
/// Llama 3.1 405B recipe sets both: 126 + 2 = 128 slots), so the first chunk holds one layer fewer beside the embedding
/// and the last one fewer beside the output layer (the Llama 3 paper, arXiv 2407.21783 §3.3.2: "we reduce one
/// Transformer layer each from the first and the last stages"). Where neither count divides, every stage is taken at
/// ⌈L/p⌉ layers spread evenly over its chunks, as the step-time model does.
/// </summary>
/// <param name="FirstStageLayers">Layers of pipeline rank 0.</param>
/// <param name="FirstChunkLayers">Layers of rank 0's first model chunk.</param>
/// <param name="LastStageLayers">Layers of the last pipeline rank.</param>
/// <param name="LastChunkLayers">Layers of the last rank's last model chunk.</param>
public readonly record struct PipelineSplit(double FirstStageLayers, double FirstChunkLayers, double LastStageLayers, double LastChunkLayers)
{
    /// <summary>
    /// Layer activations (layers × micro-batches) the first rank holds at its peak. Under 1F1B it holds k = min(m, p)
    /// micro-batches of its layers; interleaved, k(p−1)/p more of its first chunk (Megatron's warm-up runs (p−1)·2 + (v−1)·p
    /// chunk forwards, then one more), which is Korthikanti et al. 2022 §4.2.3's L/p·(1 + (p−1)/(p·v)) when chunks are even.
    /// </summary>
    public double FirstInFlight(int pp, int vp, int microBatches)
    {
        double k = Math.Min(microBatches, pp);
        return k * FirstStageLayers + (vp > 1 ? k * (pp - 1.0) / pp * FirstChunkLayers : 0);
    }

    /// <summary>
    /// The same for the last rank, which runs each micro-batch's backward right after its forward: one micro-batch without
    /// interleaving; interleaved, k of every chunk but its last (warm-up (v−1)·p chunk forwards) and one of that.
    /// </summary>
    public double LastInFlight(int pp, int vp, int microBatches) =>
        vp > 1 ? Math.Min(microBatches, pp) * (LastStageLayers - LastChunkLayers) + LastChunkLayers : LastStageLayers;

    public static PipelineSplit Of(int layers, int pp, int vp)
    {
        int chunks = pp * vp;
        if (pp > 1)
            foreach (int extra in (ReadOnlySpan<int>)[0, 2, 1])
            {
                if ((layers + extra) % chunks != 0) continue;
                // With one extra slot only the embedding is counted (account_for_embedding alone).
                int perChunk = (layers + extra) / chunks, embedding = extra > 0 ? 1 : 0, loss = extra > 1 ? 1 : 0;
                return new(vp * perChunk - embedding, perChunk - embedding, vp * perChunk - loss, perChunk - loss);
            }
        int stage = (layers + pp - 1) / pp;
        int last = pp == 1 ? stage : layers - (pp - 1) * stage;
        return new(stage, (double)stage / vp, Math.Max(0, last), Math.Max(0, (double)last / vp));
    }
}
