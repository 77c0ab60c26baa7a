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
        ByWorkload.GetValue(catalog, _ => new()).GetOrAdd(workload, w => new Lazy<ErrorBands>(() => ErrorBands.From(ValidateWorkflow.Cases(catalog, w, outOfSampleOnly: true)))).Value;

    /// <summary>The band for a scenario's prediction; an accelerator whose family has no calibration file is uncalibrated.</summary>
    public static ErrorBand? For(Scenario s, CatalogStore catalog) =>
        Of(catalog, s.Workload).For(BandKey.Of(s, catalog.HasCalibration(s.Cluster.Accelerator.Family)));
}
