using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Augur.Catalog.Loading;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;

namespace Augur.Workflows;

/// <summary>
/// The error bands a catalog's out-of-sample validation cases give to the estimates reported beside them: the cases
/// run once per catalog (for the shipped one, once per process), outside the estimators and the search.
/// </summary>
public static class ErrorBandWorkflow
{
    // Lazy so that parallel callers (sweep points) run the cases once, not once per thread that missed the cache.
    static readonly ConditionalWeakTable<CatalogStore, Lazy<ErrorBands>> Cache = new();

    public static ErrorBands Of(CatalogStore catalog) =>
        Cache.GetValue(catalog, c => new Lazy<ErrorBands>(() => ErrorBands.From(ValidateWorkflow.Cases(c)))).Value;

    // A band draws only on out-of-sample cases of its own workload, so an estimate runs those alone (a training
    // estimate runs no serving case and no fitted one): the band is the one the bands of every case would give.
    static readonly ConditionalWeakTable<CatalogStore, ConcurrentDictionary<WorkloadKind, Lazy<ErrorBands>>> ByWorkload = new();

    static ErrorBands Of(CatalogStore catalog, WorkloadKind workload) =>
        ByWorkload.GetValue(catalog, _ => new()).GetOrAdd(workload, w => new Lazy<ErrorBands>(() =>
            Saved.TryGetValue(catalog, out var saved) && saved.Value is { } evidence
                ? new ErrorBands(evidence.Where(e => e.Key.Workload == w))
                : ErrorBands.From(ValidateWorkflow.Cases(catalog, w, outOfSampleOnly: true)))).Value;

    // Evidence saved when the tool was packed, for the catalog it was computed from; read when a band is first needed.
    static readonly ConditionalWeakTable<CatalogStore, Lazy<IReadOnlyList<BandEvidence>?>> Saved = new();

    /// <summary>
    /// Bands for <paramref name="catalog"/> from the evidence text <paramref name="read"/> gives (null when there is
    /// none), when this same build saved it (<see cref="SavedBandEvidence"/>); otherwise the cases run as before.
    /// </summary>
    public static void UseSaved(CatalogStore catalog, Func<string?> read) =>
        Saved.AddOrUpdate(catalog, new(() => read() is { } text ? SavedBandEvidence.Read(text, SavedBandEvidence.Build()) : null));

    /// <summary>The evidence of every workload's bands, as the pack step saves it.</summary>
    public static string SavedText(CatalogStore catalog) =>
        SavedBandEvidence.Write(ErrorBands.From(ValidateWorkflow.Cases(catalog, outOfSampleOnly: true)).Evidence, SavedBandEvidence.Build());

    /// <summary>The band for a scenario's prediction; an accelerator whose family has no calibration file is uncalibrated.</summary>
    public static ErrorBand? For(Scenario s, CatalogStore catalog) =>
        Of(catalog, s.Workload).For(BandKey.Of(s, catalog.HasCalibration(s.Cluster.Accelerator.Family)));
}
