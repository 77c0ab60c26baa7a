using Augur.Domain.Workloads;

namespace Augur.CostModels.Rl;

/// <summary>
/// A replica's share of n samples when it runs only b at once (n &gt; b), in decode steps: the n responses at the
/// quantiles of the clipped length (<see cref="SequencePacking.Lengths"/>), in an order that mixes long and short as
/// arrival does (the engine admits first come, first served, knowing no length), each queued one starting when a running
/// one ends. A queued response does not start when the average slot frees but when the first one does, so a long
/// response that starts late can end after the batch's longest: the makespan the request-level simulator draws.
/// </summary>
/// <param name="LastStart">Steps until the last queued response starts; the batch runs full until then.</param>
/// <param name="Steps">The tail after it: steps of each segment between two ends, the batch shrinking by one each.</param>
/// <param name="Live">Sequences running through each segment of the tail.</param>
/// <param name="Context">Mean tokens in context of those sequences over each segment, their prompt included.</param>
public sealed record RolloutQueue(double LastStart, double[] Steps, double[] Live, double[] Context)
{
    /// <summary>Golden-ratio sequence: consecutive arrivals land far apart among the quantiles, long beside short.</summary>
    const double Golden = 0.6180339887498949;

    /// <param name="longest">The step's longest response (<see cref="ResponseCurve.LongestOf"/> over every sample): the
    /// step waits for the replica that draws it, so the queue's longest quantile is at least that.</param>
    public static RolloutQueue Of(int n, int b, RlLengths response, double prompt, int longest)
    {
        // A response of L tokens takes L − 1 decode steps: its first token comes with the prefill.
        var sorted = SequencePacking.Lengths(0, response, n);
        sorted[0] = Math.Max(sorted[0], longest);
        var order = Enumerable.Range(0, n).OrderBy(i => (i + 1) * Golden % 1.0).ToArray();
        var steps = new double[n];
        for (int rank = 0; rank < n; rank++) steps[order[rank]] = Math.Max(0, sorted[rank] - 1);
        return Run(steps, b, prompt);
    }

    /// <summary>The schedule of responses of <paramref name="steps"/> decode steps each, in arrival order, <paramref name="b"/> at a time.</summary>
    public static RolloutQueue Run(IReadOnlyList<double> steps, int b, double prompt)
    {
        int n = steps.Count;
        b = Math.Min(b, n);
        var running = new PriorityQueue<(double Start, double End), double>();
        for (int i = 0; i < b; i++) running.Enqueue((0, steps[i]), steps[i]);
        double lastStart = 0;
        for (int i = b; i < n; i++)
        {
            var (_, end) = running.Dequeue();
            lastStart = end;
            running.Enqueue((end, end + steps[i]), end + steps[i]);
        }

        // The tail: from the last start, each end drops one sequence from the batch.
        var left = new List<(double Start, double End)>(b);
        while (running.Count > 0) left.Add(running.Dequeue());
        var segSteps = new List<double>(b);
        var segLive = new List<double>(b);
        var segContext = new List<double>(b);
        double t = lastStart, startSum = left.Sum(x => x.Start);
        for (int k = 0; k < left.Count; k++)
        {
            int live = left.Count - k;
            double length = left[k].End - t;
            if (length > 0)
            {
                // Mean context over the segment: the prompt plus the steps each running sequence has taken, at mid-segment.
                segSteps.Add(length);
                segLive.Add(live);
                segContext.Add(prompt + t + length / 2 - startSum / live);
                t = left[k].End;
            }
            startSum -= left[k].Start;
        }
        return new RolloutQueue(lastStart, [.. segSteps], [.. segLive], [.. segContext]);
    }
}
