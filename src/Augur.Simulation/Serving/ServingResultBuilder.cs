using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>Turns finished requests into a <see cref="ServingResult"/>.</summary>
internal static class ServingResultBuilder
{
    public static ServingResult Build(
        SimRequest[] requests, ServiceLevelObjective slo, int preemptions, long iterations, ServingTimeSeries series)
    {
        int n = requests.Length;
        var metrics = new RequestMetrics[n];
        var ttft = new double[n];
        var e2e = new double[n];
        int multiToken = 0;
        foreach (SimRequest r in requests) if (r.Output > 1) multiToken++;
        var tpot = new double[multiToken];
        double firstArrival = double.PositiveInfinity, lastFinish = double.NegativeInfinity;
        long outputTokens = 0;
        int good = 0;
        int t = 0;
        for (int i = 0; i < n; i++)
        {
            SimRequest r = requests[i];
            var m = new RequestMetrics(r.Id, new Seconds(r.Arrival), new Seconds(r.FirstToken), new Seconds(r.Finish), r.Input, r.Output, r.Preemptions);
            metrics[i] = m;
            ttft[i] = m.TimeToFirstToken.Value;
            e2e[i] = m.EndToEnd.Value;
            if (m.TimePerOutputToken is { } perToken) tpot[t++] = perToken.Value;
            if (m.Meets(slo)) good++;
            firstArrival = Math.Min(firstArrival, r.Arrival);
            lastFinish = Math.Max(lastFinish, r.Finish);
            outputTokens += r.Output;
        }
        double makespan = lastFinish - firstArrival;
        double perSecond = makespan > 0 ? 1.0 / makespan : 0;
        return new ServingResult
        {
            Requests = metrics.AsReadOnly(),
            TimeToFirstToken = LatencySummary.FromValues(ttft),
            TimePerOutputToken = LatencySummary.FromValues(tpot),
            EndToEnd = LatencySummary.FromValues(e2e),
            Makespan = new Seconds(makespan),
            OutputThroughput = new TokenRate(outputTokens * perSecond),
            RequestsPerSecond = n * perSecond,
            GoodputRequestsPerSecond = good * perSecond,
            SloAttainment = (double)good / n,
            Slo = slo,
            Preemptions = preemptions,
            Iterations = iterations,
            TimeSeries = series,
        };
    }
}
