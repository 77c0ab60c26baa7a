using System.Globalization;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Uncertainty;

/// <summary>
/// Error bands from the signed errors of out-of-sample validation cases. A prediction's band is the 10% and 90%
/// bounds (<see cref="Quantile(IReadOnlyList{double}, double)"/>) of the errors of the finest group of cases like it that
/// draws on <see cref="MinPublications"/> publications: family × workload × dense/MoE × precision, then family × workload ×
/// dense/MoE, workload × dense/MoE, family × workload, workload; where not even the workload's cases do, their whole range. The model
/// kind is kept before the family because it separates the out-of-sample errors far more (training: dense 21% against
/// MoE 84% mean, Hopper 63% against Blackwell 59%).
/// Cases of one publication are not independent (one table's rows share its software, method and systematic offsets;
/// one serving table holds 100 of the 120 serving cases), and a user's run is a new publication: each publication
/// weighs the same within a group, its cases sharing its weight (CDF pooling, Dunn, Wasserman and Ramdas,
/// "Distribution-Free Prediction Sets for Two-Layer Hierarchical Models", JASA 118 (2023), Sec. 3). With every case
/// its own publication this is the plain order statistic. The publication, not the case, is the unit a group needs
/// nine of: twelve rows of one table are one draw of its offsets.
/// Where evidence is thin (a family with no cases of the workload, or one that is uncalibrated; a model kind or a
/// precision the family has no case of) the band is the whole range of every case of the workload that shares the
/// family or the model kind: every error that might carry over, not the middle 80%.
/// </summary>
public sealed class ErrorBands
{
    /// <summary>
    /// Fewest publications a group's cases must come from before its bounds are used rather than a coarser group's: n
    /// exchangeable draws bound a further one with probability (n − 1) / (n + 1) at best (their extremes), which first
    /// reaches 80% at nine. Below nine even for the whole workload, the band is the workload's whole range.
    /// </summary>
    public const int MinPublications = 9;
    public const double LowPercentile = 0.10, HighPercentile = 0.90;

    readonly IReadOnlyList<BandEvidence> _evidence;

    public ErrorBands(IEnumerable<BandEvidence> evidence) => _evidence = evidence.ToList();

    public IReadOnlyList<BandEvidence> Evidence => _evidence;

    /// <summary>Bands from validation results: only the out-of-sample tier is evidence (a fit's own cases are not).</summary>
    public static ErrorBands From(IEnumerable<ValidationResult> results) =>
        new(results.Where(r => r.Case.Tier == ValidationTier.OutOfSample).Select(BandEvidence.Of));

    /// <summary>The band for a prediction of this kind, or null when no case of its workload was validated.</summary>
    public ErrorBand? For(BandKey key) => For(key, _evidence);

    /// <summary>Each case of the workload beside the band computed from the other cases.</summary>
    public IReadOnlyList<LeftOut> LeaveOneOut(WorkloadKind workload) => LeaveOut(workload, (e, o) => ReferenceEquals(e, o));

    /// <summary>
    /// How often the band held: each case left out alone, and each left out with every case of its publication (a
    /// further run from a source Augur has never seen, the stricter test).
    /// </summary>
    public BandCoverage Coverage(WorkloadKind workload)
    {
        var alone = LeaveOneOut(workload);
        var withPublication = LeaveOut(workload, (e, o) => e.Publication == o.Publication);
        return new BandCoverage(workload.ToString().ToLowerInvariant(), alone.Count, alone.Count(l => l.Held), withPublication.Count(l => l.Held));
    }

    /// <summary>Each case of the workload beside the band computed without the cases <paramref name="excluded"/> says go with it.</summary>
    List<LeftOut> LeaveOut(WorkloadKind workload, Func<BandEvidence, BandEvidence, bool> excluded) =>
        _evidence.Where(e => e.Key.Workload == workload)
            .Select(e => new LeftOut(e, For(e.Key, _evidence.Where(o => !excluded(e, o)).ToList())))
            .ToList();

    static ErrorBand? For(BandKey k, IReadOnlyList<BandEvidence> all)
    {
        var ofWorkload = all.Where(e => e.Key.Workload == k.Workload).ToList();
        if (ofWorkload.Count == 0) return null;
        var ofFamily = ofWorkload.Where(e => e.Key.Family == k.Family).ToList();
        string w = k.WorkloadLabel;
        string? thin = !k.Calibrated ? $"{k.Family} is uncalibrated"
            : k.Hypothetical ? $"the hardware is hypothetical (the {k.Family} evidence is for real chips)"
            : ofFamily.Count == 0 ? $"there is no {k.Family} {w} case"
            : !ofFamily.Any(e => e.Key.Moe == k.Moe) ? $"there is no {k.Family} {w} {k.KindLabel} case"
            : !ofFamily.Any(e => e.Key.Precision == k.Precision) ? $"there is no {k.Family} {w} case in {k.Precision}"
            : null;
        if (thin is not null)
        {
            // Whatever the prediction shares with the evidence, its family or its model kind, may carry over: all of it.
            var near = ofWorkload.Where(e => e.Key.Family == k.Family || e.Key.Moe == k.Moe).Select(e => e.Error).Order().ToList();
            if (near.Count == 0) near = ofWorkload.Select(e => e.Error).Order().ToList();
            return new ErrorBand(near[0], near[^1], string.Create(CultureInfo.InvariantCulture,
                $"whole range of {near.Count} out-of-sample {w} {Cases(near.Count)} on {k.Family} or of {k.KindLabel} models, since {thin}"));
        }
        var groups = new (string Name, Func<BandKey, bool> Match)[]
        {
            ($"{k.Family} {w} {k.KindLabel} {k.Precision}", x => x.Family == k.Family && x.Moe == k.Moe && x.Precision == k.Precision),
            ($"{k.Family} {w} {k.KindLabel}", x => x.Family == k.Family && x.Moe == k.Moe),
            ($"{w} {k.KindLabel}", x => x.Moe == k.Moe),
            ($"{k.Family} {w}", x => x.Family == k.Family),
            (w, _ => true),
        };
        var (name, match) = groups.FirstOrDefault(g => PublicationCount(ofWorkload.Where(e => g.Match(e.Key))) >= MinPublications);
        if (match is null) (name, match) = groups[^1];
        var cases = ofWorkload.Where(e => match(e.Key)).ToList();
        int publications = PublicationCount(cases);
        var weighted = Weighted(cases);
        return new ErrorBand(Quantile(weighted, LowPercentile), Quantile(weighted, HighPercentile), publications < MinPublications
            ? string.Create(CultureInfo.InvariantCulture,
                $"whole range of {cases.Count} out-of-sample {name} {Cases(cases.Count)}: {publications} {Publications(publications)}, fewer than the {MinPublications} a 10-90% bound needs")
            : string.Create(CultureInfo.InvariantCulture,
                $"10-90% bounds from {cases.Count} out-of-sample {name} {Cases(cases.Count)} in {publications} publications, each weighing the same"));
    }

    /// <summary>The cases' errors in order, each weighted 1 / (cases of its publication among them).</summary>
    static List<(double Error, double Weight)> Weighted(IReadOnlyList<BandEvidence> cases)
    {
        var per = cases.CountBy(e => e.Publication).ToDictionary(p => p.Key, p => p.Value);
        return cases.Select(e => (e.Error, 1.0 / per[e.Publication])).OrderBy(x => x.Error).ToList();
    }

    static int PublicationCount(IEnumerable<BandEvidence> cases) => cases.Select(e => e.Publication).Distinct().Count();

    static string Cases(int n) => n == 1 ? "case" : "cases";
    static string Publications(int n) => n == 1 ? "publication" : "publications";

    /// <summary>
    /// The p-quantile as a prediction bound: the order statistic at rank (n + 1)·p (counted from 1), rounded away from
    /// the median, or the extreme when that rank falls outside 1..n. A further case like the n lies between the
    /// 10% and 90% bounds with probability at least 80% (the distribution-free prediction interval).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p) => Quantile(sorted.Select(e => (e, 1.0)).ToList(), p);

    /// <summary>
    /// The p-quantile of errors sorted ascending with weights summing to n (here one per publication): the first error
    /// whose cumulative weight reaches rank (n + 1)·p, rounded away from the median, or the extreme when that rank
    /// falls outside 1..n. With unit weights, the order statistic above.
    /// </summary>
    public static double Quantile(IReadOnlyList<(double Error, double Weight)> sorted, double p)
    {
        double n = sorted.Sum(x => x.Weight), h = (n + 1) * p;
        double rank = p < 0.5 ? Math.Floor(h + 1e-9) : Math.Ceiling(h - 1e-9);
        if (rank < 1) return sorted[0].Error;
        if (rank > n + 1e-9) return sorted[^1].Error;
        double cumulative = 0;
        foreach (var (error, weight) in sorted)
            if ((cumulative += weight) >= rank - 1e-9) return error;
        return sorted[^1].Error;
    }
}
