using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>
/// Samples the deployment state at times k·interval. When the buffer is full it keeps every other sample and
/// doubles the interval, so the series stays within its bound whatever the horizon.
/// </summary>
internal sealed class SeriesRecorder
{
    private readonly List<ServingSample> _samples;
    private readonly int _maxSamples;
    private double _interval;
    private long _next;

    public SeriesRecorder(double initialInterval, int maxSamples)
    {
        _interval = initialInterval;
        _maxSamples = maxSamples;
        _samples = new List<ServingSample>(maxSamples);
    }

    /// <summary>The time of the next sample to take.</summary>
    public double NextTime => _next * _interval;

    /// <summary>Records the given state for every sample time before <paramref name="time"/> (or at it, when inclusive).</summary>
    public void RecordUntil(double time, bool inclusive, int waiting, int running, double kvUsedFraction)
    {
        while (true)
        {
            double t = _next * _interval;
            if (t > time || (t == time && !inclusive)) return;
            if (_samples.Count == _maxSamples)
            {
                Decimate();
                continue;
            }
            _samples.Add(new ServingSample(new Seconds(t), waiting, running, kvUsedFraction));
            _next++;
        }
    }

    public ServingTimeSeries ToSeries() => new(new Seconds(_interval), _samples.ToArray().AsReadOnly());

    private void Decimate()
    {
        int kept = 0;
        for (int i = 0; i < _samples.Count; i += 2) _samples[kept++] = _samples[i];
        _samples.RemoveRange(kept, _samples.Count - kept);
        _interval *= 2;
        _next = kept;
    }
}
