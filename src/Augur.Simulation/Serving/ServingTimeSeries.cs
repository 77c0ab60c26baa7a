using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// State of the whole deployment at one instant, summed over replicas: requests queued at a replica and not
/// admitted (requests in KV transfer are not counted), admitted sequences (prefilling or decoding), and the
/// fraction of all replicas' KV blocks in use.
/// </summary>
public readonly record struct ServingSample(Seconds Time, int WaitingRequests, int RunningSequences, double KvCacheUsedFraction);

/// <summary>Samples at times 0, Interval, 2·Interval, …; each reflects every event at or before its time.</summary>
public sealed record ServingTimeSeries(Seconds Interval, IReadOnlyList<ServingSample> Samples);
