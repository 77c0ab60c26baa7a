using Augur.Domain.Hardware;
using System.Diagnostics;
using Augur.CostModels.Compute;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>
/// Serving layout search: for every layout of <see cref="InferenceSearchSpace"/> and every serving mode the
/// scenario leaves open, discard it when the weights leave no room for one sequence, else sweep the batch limit
/// (sequences per replica) over a geometric grid up to the most that fit — plus the estimator's own SLO batch when
/// TTFT/TPOT limits are set — and keep the points that fit and meet the limits. Ranks the best point of each
/// (layout, mode) by the objective and returns the Pareto front of tokens/s per GPU against tokens/s per user.
/// TP stays inside the scale-up domain unless no layout fits there; then it may cross it (the cost model prices
/// the all-reduces on the scale-out network).
/// </summary>
public static class InferencePlanner
{
    public static InferencePlan Plan(Scenario s, HardwareCalibration calibration, int top = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (s.Inference!.OutputTokens < 2)
            throw new InputException("inference.output_tokens: a plan ranks tokens per second per user, the pace of the tokens after the first; give at least 2 output tokens");
        var sw = Stopwatch.StartNew();
        var search = new ServingSearch(s, calibration);
        bool crossed = false;
        search.Run(s.Cluster.ScaleUpDomain);
        if (search.Fitting == 0 && s.Layout.Tp is null && s.Cluster.Gpus > s.Cluster.ScaleUpDomain)
        {
            crossed = true;
            search.Run(s.Cluster.Gpus, minTp: s.Cluster.ScaleUpDomain * 2);
        }
        search.ThrowIfNothingServes();

        var order = Ranking.For(s.Objective);
        var ranked = search.BestPerLayout.Values.OrderBy(p => p, order).Take(top).ToList();
        var pareto = Pareto.Front(search.Feasible);
        sw.Stop();
        var sizing = Sizing.For(ranked[0], s.Inference!.TargetOutputTokensPerSecond);
        var why = PlanExplanation.Why(s, ranked, search.BestPerLayout.Values, order, crossed, sizing);
        return new InferencePlan(s.Objective, ranked, pareto, search.Enumerated, search.Pruned, search.Evaluated,
            search.Feasible.Count, sw.Elapsed.TotalSeconds, why, sizing);
    }

    /// <summary>Batch limits swept per layout: 1, 2, 3, 4, 6, 8, 12, … below <paramref name="cap"/>, and the cap.</summary>
    public static IEnumerable<int> BatchGrid(int cap)
    {
        for (int p = 1; p < cap; p *= 2)
        {
            yield return p;
            if (p >= 2 && p * 3 / 2 < cap) yield return p * 3 / 2;
        }
        if (cap >= 1) yield return cap;
    }
}
