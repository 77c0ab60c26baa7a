namespace Augur.Domain.Workloads;

/// <summary>How a serving engine picks each next token, which sets how many passes its sampler makes over the vocabulary.</summary>
public enum SamplingMode
{
    /// <summary>Greedy decoding (temperature 0): one argmax over each sequence's logits; what serving benchmarks are costed with.</summary>
    Greedy,
    /// <summary>Random sampling at a temperature, without top-k or top-p filtering.</summary>
    Random,
    /// <summary>
    /// Random sampling that also returns each sampled token's log-probability, as every RL rollout asks of its engine
    /// (the importance weight and the train/rollout mismatch check need it).
    /// </summary>
    RandomWithLogprobs,
}
