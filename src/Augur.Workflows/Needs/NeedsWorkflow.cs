using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Workflows.Needs;

/// <summary>One probe of an inverse search: the resource at a value, whether the targets were met, and the planner's answer there.</summary>
public sealed record NeedsProbe(double Value, bool Met, PlanOutcome? Plan, string Refusal);

/// <param name="Least">The least amount that meets the targets (within 1%, whole units for GPU counts); null when none searched does.</param>
/// <param name="Searched">The range searched: from 1/64 to 64 times the scenario's own amount (whole resources: from the smallest sensible amount to 64 times).</param>
public sealed record NeedsOutcome(Resource Resource, double Current, double? Least, (double Low, double High) Searched,
    IReadOnlyList<NeedsTarget> Targets, IReadOnlyList<NeedsProbe> Probes);

/// <summary>
/// <c>needs</c>: the least of one resource for a scenario to reach its targets, holding the rest of the hardware fixed
/// and searching the layout at every probe. Assumes more of the resource never hurts (the planner may always fall back
/// to a layout that ignores the extra) between one amount that fails and the next that meets, so the least amount is
/// found by doubling upward from the low end, then bisecting the last step (to 1%; whole amounts: the first that meets).
/// </summary>
public static class NeedsWorkflow
{
    /// <summary>How far from the scenario's own amount the search looks, as a factor either way.</summary>
    public const double Reach = 64;

    public static NeedsOutcome Run(ScenarioDocument document, CatalogStore catalog, Resource resource, IReadOnlyList<NeedsTarget> targets)
    {
        if (targets.Count == 0) throw new InputException("name at least one --target, e.g. days=90 or tokens_per_s_per_user=50");
        var s = document.Read(catalog);
        foreach (var t in targets) t.Check(s);
        double current = Resources.Current(resource, s);
        if (!(current > 0)) throw new InputException($"the scenario has no {Resources.Name(resource)} to scale");
        bool whole = Resources.Whole(resource);
        var probes = new List<NeedsProbe>();
        bool Meets(double v)
        {
            var known = probes.FirstOrDefault(p => p.Value == v);
            if (known is not null) return known.Met;
            var probe = Probe(document, catalog, s, resource, targets, v);
            probes.Add(probe);
            return probe.Met;
        }

        var candidates = whole ? Resources.WholeAmounts(resource, s, current * Reach) : null;
        double low = whole ? candidates![0] : current / Reach, high = whole ? candidates![^1] : current * Reach;
        // A coarse pass doubling from the low end finds the first amount that meets the targets (scanning upward, so
        // an amount too large to help, such as GPUs whose failures outpace their speed, cannot hide a smaller answer);
        // a fine pass then narrows the step before it.
        var coarse = new List<double> { low };
        while (coarse[^1] * 2 <= high) coarse.Add(whole ? candidates!.First(c => c >= coarse[^1] * 2) : coarse[^1] * 2);
        int first = coarse.FindIndex(Meets);
        double? least = null;
        if (first == 0) least = low;
        else if (first > 0)
        {
            double lo = coarse[first - 1], hi = coarse[first];
            if (whole) least = candidates!.Where(c => c > lo && c < hi).FirstOrDefault(Meets, hi);
            else
            {
                while (hi / lo > 1.01)
                {
                    double mid = Math.Sqrt(lo * hi);
                    if (Meets(mid)) hi = mid; else lo = mid;
                }
                least = hi;
            }
        }
        return new NeedsOutcome(resource, current, least, (low, high), targets, probes.OrderBy(p => p.Value).ToList());
    }

    static NeedsProbe Probe(ScenarioDocument document, CatalogStore catalog, Scenario s, Resource r, IReadOnlyList<NeedsTarget> targets, double value)
    {
        try
        {
            var overrides = Resources.At(r, s, value).Concat(targets.SelectMany(t => t.Setup())).ToList();
            var plan = PlanWorkflow.Run(document.Read(catalog, overrides), catalog, top: 1);
            return new NeedsProbe(value, targets.All(t => t.Met(plan)), plan, "");
        }
        catch (InputException e)
        {
            // Nothing fits or meets the limits at this amount: the answer there is "no".
            return new NeedsProbe(value, false, null, e.Message);
        }
    }
}
