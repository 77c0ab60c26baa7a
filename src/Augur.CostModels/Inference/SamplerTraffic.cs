using Augur.Domain.Workloads;

namespace Augur.CostModels.Inference;

/// <summary>
/// HBM bytes the engine's sampler moves per vocabulary entry per sampled token, beyond the greedy argmax the LM head's
/// softmax pass already stands for (<see cref="Operators.LayerCost.Head"/>). Counted from vLLM's V1 sampler at v0.10.0 and
/// v0.20.0 (vllm/v1/sample/sampler.py, ops/topk_topp_sampler.py random_sample, ops/logprobs.py; the same passes at
/// both), without top-k, top-p or penalties, on the full vocabulary every tensor-parallel rank holds after the logits'
/// all-gather. A softmax over a vocabulary too wide for one block's shared memory reads its row three times (maximum,
/// sum of exponentials, output) and writes it once.
/// <list type="bullet">
/// <item>Greedy, 10 B: the cast of the 16-bit logits to fp32 (2 read, 4 written) and the argmax (4 read).</item>
/// <item>Random, 50 B: the cast (6), the in-place division by the temperature (8, done at temperature 1 too), the
/// fp32 softmax (3 × 4 read, 4 written), the exponential noise (4 written), the in-place division by it (8 read, 4
/// written) and the argmax (4): 40 B beyond greedy's.</item>
/// <item>With log-probabilities, 64 B: the above, the log-softmax of the 16-bit logits into fp32 (3 × 2 read, 4
/// written) and the sampled token's rank, a compare-and-sum over the row (4 read): 54 B beyond greedy's.</item>
/// </list>
/// </summary>
public static class SamplerTraffic
{
    public static double ExtraBytesPerVocabEntry(SamplingMode mode) => mode switch
    {
        SamplingMode.Random => 40,
        SamplingMode.RandomWithLogprobs => 54,
        _ => 0,
    };
}
