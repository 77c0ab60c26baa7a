using System.Runtime.CompilerServices;
using Augur.Simulation.Serving;

namespace Augur.Tests;

/// <summary>
/// Runs the serving simulator and keeps each request's outcome beside the result, in the order the requests were
/// given, for tests that look at single requests (the result itself keeps only summaries).
/// </summary>
static class Served
{
    static readonly ConditionalWeakTable<ServingResult, IReadOnlyList<RequestMetrics>> Outcomes = new();

    public static ServingResult Run(ServingDeployment deployment, IReadOnlyList<Request> requests, SchedulerOptions options)
    {
        var metrics = new RequestMetrics[requests.Count];
        var result = ServingSimulation.Run(deployment, requests, options, null, (i, m) => metrics[i] = m);
        Outcomes.Add(result, metrics);
        return result;
    }

    extension(ServingResult result)
    {
        /// <summary>Each request's outcome, in the order given; only for a result of <see cref="Run"/>.</summary>
        public IReadOnlyList<RequestMetrics> Requests =>
            Outcomes.TryGetValue(result, out var m) ? m : throw new InvalidOperationException("run it through Served.Run to keep each request's outcome");
    }
}
