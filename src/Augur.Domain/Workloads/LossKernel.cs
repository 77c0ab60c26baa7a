namespace Augur.Domain.Workloads;

/// <summary>How the trainer turns the output layer's logits into its loss, which sets its passes over the vocabulary.</summary>
public enum LossKernel
{
    /// <summary>A vocabulary-parallel cross entropy, costed as one fp32 softmax pass forward and two backward (pretraining).</summary>
    CrossEntropy,
    /// <summary>
    /// Each token's log-probability from an unfused fp32 log-softmax that also keeps the softmax for the backward, as
    /// NeMo-RL's <c>DistributedLogprob</c> computes it for its log-probability passes and its policy loss (RL trainers).
    /// </summary>
    TokenLogProbs,
}
