namespace Augur.Simulation.Serving;

/// <summary>
/// Decode-only stretches run ahead of the event queue. Once every sequence a replica holds decodes, none can be
/// admitted and no arrival is due, the iterations that follow change that replica alone, one token per sequence and a
/// block at each boundary, until one finishes a sequence, lacks blocks, or an arrival may join the queue: an RL
/// rollout's long drain. The engine applies them at once (<see cref="DecodeRun"/>) and queues only the last one's end,
/// so they cost no queue operations and no pass over the sequences each. What other events see of the replica is
/// unchanged: routing and arrivals come after the run; the time series is the one place that looks at the blocks at
/// times inside it, and <see cref="RecordSamplesDuringRuns"/> takes back the blocks allocated after each sample.
/// </summary>
internal sealed partial class ServingEngine
{
    /// <summary>Runs whose iterations the time series may still sample inside.</summary>
    private readonly List<DecodeRun> _runsInFlight = [];

    /// <summary>
    /// Only aggregated replicas run ahead: a disaggregated decode pool takes transfers at any time, and speculative
    /// decoding draws its accepted tokens each iteration.
    /// </summary>
    private bool RunsAhead(Replica replica) =>
        _options.RunAhead && _decodeCount == 0 && replica.CostModel.DraftTokens == 0;

    /// <summary>
    /// Runs the decode-only iterations after the one just scheduled on <paramref name="replica"/> (starting at
    /// <paramref name="start"/>, taking <paramref name="duration"/>, over <paramref name="context"/> tokens); returns when
    /// the last one ends, the event to queue.
    /// </summary>
    private double RunAhead(Replica replica, double start, double duration, double context)
    {
        double end = start + duration;
        if (!(end < _nextArrival)) return end;
        List<SimRequest> running = replica.Running;
        // The iteration that produces a sequence's last token ends the run.
        int bound = int.MaxValue;
        foreach (SimRequest r in running)
        {
            if (double.IsNaN(r.FirstToken)) return end;
            bound = Math.Min(bound, r.Output - r.Generated);
        }
        if (bound < 2) return end;

        DecodeRun run = replica.Ahead ??= new DecodeRun();
        int iterations = run.Run(replica.CostModel, running, _blockSize, bound, context, start, duration, _nextArrival, replica.FreeBlocks);
        if (iterations < 2) return end;

        int ahead = iterations - 1;
        long allocated = 0;
        foreach (SimRequest r in running)
        {
            r.Generated += ahead;
            int blocks = BlocksFor(r.Context);
            if (blocks > r.Blocks)
            {
                allocated += blocks - r.Blocks;
                r.Blocks = blocks;
            }
        }
        if (allocated != run.Allocated)
            throw new InvalidOperationException($"replica {replica.Index}: a decode run allocated {allocated} KV blocks where it counted {run.Allocated}");
        replica.FreeBlocks -= (int)allocated;
        _usedBlocks += allocated;
        replica.OutstandingWork -= (long)running.Count * ahead;
        _iterations += ahead;
        if (!run.Listed)
        {
            run.Listed = true;
            _runsInFlight.Add(run);
        }
        return run.End;
    }

    /// <summary>
    /// <see cref="RecordSamples"/> while runs are in flight: sample by sample, less the blocks each run allocated at
    /// iteration starts after the sample (its events there come later in the engine's order).
    /// </summary>
    private void RecordSamplesDuringRuns(double time, bool inclusive)
    {
        while (true)
        {
            double sample = _series.NextTime;
            if (sample > time || (sample == time && !inclusive)) return;
            long pending = 0;
            for (int i = _runsInFlight.Count - 1; i >= 0; i--)
            {
                DecodeRun run = _runsInFlight[i];
                if (run.LastStart <= sample)
                {
                    run.Listed = false;
                    _runsInFlight.RemoveAt(i);
                }
                else pending += run.AllocatedAfter(sample);
            }
            double kv = _totalBlocks > 0 ? (double)(_usedBlocks - pending) / _totalBlocks : 0;
            _series.RecordUntil(sample, true, _waiting, _running, kv);
        }
    }
}
