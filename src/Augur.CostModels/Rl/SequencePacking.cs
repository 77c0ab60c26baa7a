using System.Collections.Concurrent;
using Augur.CostModels.Inference;
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
    /// <summary>Bins of a global batch and its fullest bin's tokens, kept per packing: the planner asks again for every trainer layout it tries.</summary>
    static readonly ConcurrentDictionary<(int Capacity, int Prompt, RlLengths Response, int Samples), (int Bins, int Longest)> Known = new();

    /// <summary>Packings kept at most; a long-running server starts afresh past it.</summary>
    const int MostKnown = 4096;

    /// <summary>
    /// Bins of at most <paramref name="capacity"/> tokens per data-parallel rank (each holds at least one sample) and the
    /// tokens of the fullest bin, which NeMo-RL pads every packed micro-batch to under pipeline parallelism (<see cref="Pack"/>).
    /// </summary>
    public static (int Bins, int Longest) PerRank(int capacity, int prompt, RlLengths response, int globalBatch, int dp)
    {
        dp = Math.Max(1, dp);
        int perRank = Math.Max(1, globalBatch / dp);
        var packing = Known.GetOrAdd((capacity, prompt, response, globalBatch), k =>
        {
            // Counting takes every lock of the dictionary: only a new packing pays it, not each lookup of a known one.
            if (Known.Count >= MostKnown) Known.Clear();
            return Pack(k.Capacity, Lengths(k.Prompt, k.Response, k.Samples));
        });
        return ((int)Math.Clamp(((long)packing.Bins + dp - 1) / dp, 1, perRank), packing.Longest);
    }

    /// <summary>
    /// First-fit-decreasing bins for <paramref name="descending"/> (longest first); a sample longer than a bin gets one
    /// alone. Bins not yet opened stand in the tree with their whole room, so the leftmost bin with room is the first fit,
    /// found in log time: a million samples pack in well under a second. Also the tokens of the fullest bin.
    /// </summary>
    public static (int Bins, int Longest) Pack(int capacity, IReadOnlyList<int> descending)
    {
        int n = descending.Count;
        if (n == 0) return (0, 0);
        int leaves = 1;
        while (leaves < n) leaves *= 2;
        var room = new int[2 * leaves];
        Array.Fill(room, capacity, leaves, n);
        for (int i = leaves - 1; i >= 1; i--) room[i] = Math.Max(room[2 * i], room[2 * i + 1]);
        int used = 0, longest = 0;
        foreach (int length in descending)
        {
            int need = Math.Min(length, capacity);
            int at = 1;
            while (at < leaves) at = room[2 * at] >= need ? 2 * at : 2 * at + 1;
            // A sample longer than a bin fills one alone at its own length.
            longest = Math.Max(longest, length >= capacity ? length : capacity - room[at] + length);
            room[at] = length >= capacity ? 0 : room[at] - length;
            used = Math.Max(used, at - leaves + 1);
            for (at /= 2; at >= 1; at /= 2) room[at] = Math.Max(room[2 * at], room[2 * at + 1]);
        }
        return (used, longest);
    }

    /// <summary>
    /// <paramref name="count"/> sample lengths, longest first: the prompt plus the longest response whose share of
    /// longer-or-equal draws is at least (i + ½) / count (<see cref="ResponseCurve.ShareAtLeast"/>, a draw rounded to
    /// whole tokens): the limit while its share reaches that, else ⌊the log-normal's length above that share + ½⌋
    /// (<see cref="LengthDistribution.LengthAbove"/>), at least one token.
    /// </summary>
    public static int[] Lengths(int prompt, RlLengths response, int count)
    {
        var lengths = new int[count];
        double atLimit = ResponseCurve.ShareAtLeast(response, response.Max);
        for (int i = 0; i < count; i++)
        {
            double wanted = (i + 0.5) / count;
            int k = response.Spread == 0 ? Math.Min(response.Mean, response.Max)
                : atLimit >= wanted ? response.Max
                : (int)Math.Clamp(Math.Floor(LengthDistribution.LengthAbove(response.Mean, response.Spread, wanted) + 0.5), 1, response.Max);
            lengths[i] = prompt + k;
        }
        return lengths;
    }
}
