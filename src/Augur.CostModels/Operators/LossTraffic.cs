using Augur.Domain.Workloads;

namespace Augur.CostModels.Operators;

/// <summary>
/// HBM bytes the loss moves per logit (one token × one vocabulary entry of the rank's shard), forward and backward.
/// <list type="bullet">
/// <item>Cross entropy, 12 and 24 B: Augur's generic count, an fp32 softmax pass forward and twice that backward.</item>
/// <item>Token log-probabilities, 46 and 22 B: NeMo-RL's <c>DistributedLogprob</c> (nemo_rl/distributed/model_utils.py @
/// v0.4.0 to v0.7.0) casts the 16-bit logits to fp32 (2 read, 4 written), takes the row maximum (4), subtracts it (4 + 4),
/// exponentiates into a new tensor (4 + 4), sums it (4), subtracts the log of the sum (4 + 4) and exponentiates the
/// log-probabilities once more into the softmax it keeps for the backward (4 + 4): 46 B, forward-only passes included;
/// its backward negates the softmax (4 + 4), scales it by the gradient in place (4 + 4) and casts the gradient back to 16
/// bits (4 + 2): 22 B. v0.3.0 cloned the log-probabilities once more (8 B).</item>
/// </list>
/// </summary>
public static class LossTraffic
{
    public static (double Forward, double Backward) BytesPerLogit(LossKernel kernel) => kernel switch
    {
        LossKernel.TokenLogProbs => (46, 22),
        _ => (12, 24),
    };
}
