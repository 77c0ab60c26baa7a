namespace Augur.CostModels.Inference;

/// <summary>
/// What one serving forward pass carries on its most loaded attention group, by name: the input of
/// <see cref="InferenceModel"/>'s single pass composition.
/// </summary>
readonly record struct PassLoad
{
    /// <summary>Tokens the attention group computes.</summary>
    public required double Tokens { get; init; }
    /// <summary>Keys those tokens attend, summed over them.</summary>
    public required double AttendedSum { get; init; }
    /// <summary>Cached tokens read from the KV cache.</summary>
    public double KvReadTokens { get; init; }
    /// <summary>Tokens whose logits the LM head computes (every decode token, the last of each prompt).</summary>
    public double LogitTokens { get; init; }
    /// <summary>Attention groups whose tokens meet in the MoE layers (at least 1).</summary>
    public double ActiveGroups { get; init; }
    /// <summary>Fraction of each GPU's network link taken by incoming KV transfers (disaggregated decode).</summary>
    public double NicShare { get; init; }
    /// <summary>Fraction of the attended pairs that are decode pairs on the cache (absorbed form for MLA).</summary>
    public double LatentShare { get; init; }
    /// <summary>Fraction of the tokens that are prefill tokens (sent by DeepEP's throughput kernels).</summary>
    public double PrefillShare { get; init; }
    /// <summary>Pipeline micro-batches the group has work in (its last stage runs the LM head once for each).</summary>
    public double MicroBatches { get; init; }
    /// <summary>Sequences one attention group's scheduler handles in the iteration (decodes and prompts), for the engine's host time per sequence.</summary>
    public double ScheduledSequences { get; init; }
}
