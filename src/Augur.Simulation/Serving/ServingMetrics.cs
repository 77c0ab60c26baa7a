using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// What a run measured, gathered as each request finishes: counts and sums, and a bounded
/// <see cref="LatencyDistribution"/> per latency metric, so the memory it takes does not grow with the request count.
/// </summary>
internal sealed class ServingMetrics(ServiceLevelObjective slo, Action<int, RequestMetrics>? finished)
{
    readonly LatencyDistribution _ttft = new(), _tpot = new(), _e2e = new();
    double _firstArrival = double.PositiveInfinity, _lastFinish = double.NegativeInfinity;
    long _outputTokens;
    int _count, _good;

    public int Count => _count;

    public void Add(SimRequest r)
    {
        var m = new RequestMetrics(r.Id, new Seconds(r.Arrival), new Seconds(r.FirstToken), new Seconds(r.Finish), r.Input, r.Output, r.Preemptions);
        _ttft.Add(m.TimeToFirstToken.Value);
        _e2e.Add(m.EndToEnd.Value);
        if (m.TimePerOutputToken is { } perToken) _tpot.Add(perToken.Value);
        if (m.Meets(slo)) _good++;
        _firstArrival = Math.Min(_firstArrival, r.Arrival);
        _lastFinish = Math.Max(_lastFinish, r.Finish);
        _outputTokens += r.Output;
        _count++;
        finished?.Invoke(r.Index, m);
    }

    public ServingResult Build(int preemptions, long iterations, ServingTimeSeries series)
    {
        double makespan = _lastFinish - _firstArrival;
        double perSecond = makespan > 0 ? 1.0 / makespan : 0;
        return new ServingResult
        {
            RequestCount = _count,
            TimeToFirstToken = _ttft.Summary(),
            TimePerOutputToken = _tpot.Summary(),
            EndToEnd = _e2e.Summary(),
            Distributions = new ServingLatencies(_ttft, _tpot, _e2e),
            Makespan = new Seconds(makespan),
            OutputThroughput = new TokenRate(_outputTokens * perSecond),
            RequestsPerSecond = _count * perSecond,
            GoodputRequestsPerSecond = _good * perSecond,
            SloAttainment = (double)_good / _count,
            Slo = slo,
            Preemptions = preemptions,
            Iterations = iterations,
            TimeSeries = series,
        };
    }
}
