using System.Collections.Concurrent;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Rl;

/// <summary>
/// How many micro-batches NeMo-RL's sequence packing makes of a global batch: its samples, longest first, go each into
/// the first bin with room for them, a new bin when none has (<c>ModifiedFirstFitDecreasingPacker</c>,
/// nemo_rl/data/packing/algorithms.py), over the whole global batch, with the bin count raised to a multiple of the
/// data-parallel ranks, which are dealt the bins evenly (<c>get_packer(min_bin_count=shards, bin_count_multiple=shards)</c>,
/// nemo_rl/distributed/batched_data_dict.py <c>shard_by_batch_size</c>; NVIDIA-NeMo/RL @ 7ea279abf). The samples are the
/// prompt's mean plus the response length at evenly spaced quantiles of the step's distribution, so the count follows the
/// spread: long responses that fill most of a bin leave room only for short ones.
/// </summary>
public static class SequencePacking
{
    /// <summary>Bins of a global batch, kept per packing: the planner asks again for every trainer layout it tries.</summary>
    static readonly ConcurrentDictionary<(int Capacity, int Prompt, RlLengths Response, int Samples), int> Known = new();

    /// <summary>Bins of at most <paramref name="capacity"/> tokens per data-parallel rank; each holds at least one sample.</summary>
    public static int BinsPerRank(int capacity, int prompt, RlLengths response, int globalBatch, int dp)
    {
        dp = Math.Max(1, dp);
        int perRank = Math.Max(1, globalBatch / dp);
        long bins = Known.GetOrAdd((capacity, prompt, response, globalBatch), k => Bins(k.Capacity, Lengths(k.Prompt, k.Response, k.Samples)));
        return (int)Math.Clamp((bins + dp - 1) / dp, 1, perRank);
    }

    /// <summary>First-fit-decreasing bins for <paramref name="descending"/> (longest first); a sample longer than a bin gets one alone.</summary>
    public static int Bins(int capacity, IReadOnlyList<int> descending)
    {
        var room = new List<int>();
        foreach (int length in descending)
        {
            int at = room.FindIndex(r => r >= length);
            if (at < 0) room.Add(Math.Max(0, capacity - length));
            else room[at] -= length;
        }
        return room.Count;
    }

    /// <summary>
    /// <paramref name="count"/> sample lengths, longest first: the prompt plus the response whose share of longer-or-equal
    /// draws is (i + ½) / count (<see cref="ResponseCurve.ShareAtLeast"/>), found by bisection.
    /// </summary>
    public static int[] Lengths(int prompt, RlLengths response, int count)
    {
        var lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            double share = (i + 0.5) / count;
            int lo = 1, hi = response.Max;
            if (ResponseCurve.ShareAtLeast(response, hi) >= share) lo = hi;
            else
                while (hi - lo > 1)
                {
                    int mid = lo + (hi - lo) / 2;
                    if (ResponseCurve.ShareAtLeast(response, mid) >= share) lo = mid; else hi = mid;
                }
            lengths[i] = prompt + lo;
        }
        return lengths;
    }
}
