namespace Augur.Simulation.Serving;

/// <summary>
/// One replica's decode-only iterations run ahead of the event queue (<see cref="ServingEngine"/>): the same running
/// set, every sequence decoding one token per iteration, no admission, no preemption and no completion until the
/// last one. Iteration j of the run (j = 0 is the one the engine scheduled) attends C₀ + n·j tokens in all, starts at
/// tⱼ = tⱼ₋₁ + dⱼ₋₁ as the engine would have started it, and allocates the KV blocks of the sequences whose context
/// crosses a block boundary then. The run keeps those start times and allocations so that the time series sees the
/// blocks at the times they were taken.
/// <para>
/// Durations come from the cost model, one call per iteration as the engine makes them, for runs of at most
/// <see cref="ExactIterations"/>. A longer run calls it at its ends and three interior points of a span and draws the
/// line through the ends where all five agree to <see cref="LineTolerance"/>, halving the span where they do not: at a
/// fixed batch an iteration's time is piecewise affine in the context it attends (per layer, the larger of the
/// attention's FLOP time and its KV-read time, each affine in context, plus terms of the batch alone), so only the
/// spans holding a kink are halved down to single calls.
/// </para>
/// </summary>
internal sealed class DecodeRun
{
    /// <summary>Runs this long or shorter are costed call by call, exactly as step by step.</summary>
    public const int ExactIterations = 16;

    /// <summary>Relative agreement with the line that lets a span be drawn as one.</summary>
    public const double LineTolerance = 1e-12;

    /// <summary>Spans this short are costed call by call.</summary>
    const int ShortestLine = 8;

    double[] _starts = new double[64];
    double[] _durations = new double[64];
    long[] _allocated = new long[64];
    int[] _crossings = new int[64];
    IServingCostModel _model = null!;
    int _sequences, _blockSize, _counted, _short, _sampled;
    double _context;
    long _free;

    /// <summary>Iterations in the run; the last one's end is the event the engine queues.</summary>
    public int Iterations { get; private set; }

    /// <summary>When the last iteration ends.</summary>
    public double End { get; private set; }

    /// <summary>Whether the engine lists the run among those the time series must look into.</summary>
    public bool Listed { get; set; }

    /// <summary>When the last iteration run ahead starts (the engine's event at that time is the last one it skipped).</summary>
    public double LastStart => _starts[Iterations - 1];

    /// <summary>KV blocks the run allocates at iteration starts 1..Iterations−1.</summary>
    public long Allocated => _allocated[Iterations - 1];

    /// <summary>
    /// Runs the iterations of <paramref name="running"/> (each sequence's blocks and context as iteration 0 left them;
    /// iteration 0 starts at <paramref name="start"/>, attends <paramref name="context"/> tokens and takes
    /// <paramref name="duration"/>) while each next one may start: before <paramref name="limit"/> (the next arrival,
    /// which may join the queue), before iteration <paramref name="bound"/> (whose end would finish a sequence), and
    /// with a block for every sequence crossing into a new one, <paramref name="free"/> in all. Returns the iterations run.
    /// </summary>
    public int Run(IServingCostModel model, List<SimRequest> running, int blockSize, int bound, double context,
        double start, double duration, double limit, long free)
    {
        _model = model;
        _sequences = running.Count;
        _context = context;
        _blockSize = blockSize;
        _free = free;
        _counted = 0;
        _short = 0;
        _sampled = 1;
        Grow(bound);
        // A sequence holding b blocks at context c first needs another at iteration b·size − c + 1, then every size iterations.
        foreach (SimRequest r in running)
            if (FirstCrossing(r, blockSize) is var first && first < bound) _crossings[first]++;
        _starts[0] = start;
        _durations[0] = duration;
        _allocated[0] = 0;

        // Short runs and runs an arrival may cut are costed call by call; the rest of a long one at once.
        bool line = bound > ExactIterations, drawn = false;
        double t = start + duration;
        int j = 1;
        while (j < bound && t < limit && Fits(j + 1) > j)
        {
            _starts[j] = t;
            if (line && !drawn && (j >= ExactIterations || double.IsPositiveInfinity(limit)))
            {
                bound = Fits(bound);
                if (bound - j > ShortestLine)
                {
                    Draw(j - 1, _durations[j - 1], bound - 1, Cost(bound - 1));
                    drawn = true;
                }
            }
            if (!drawn) _durations[j] = Cost(j);
            t += _durations[j];
            j++;
        }
        Iterations = j;
        End = t;

        Array.Clear(_crossings, 1, _counted);
        foreach (SimRequest r in running)
            if (FirstCrossing(r, blockSize) is var first && first < _crossings.Length) _crossings[first] = 0;
        return j;
    }

    static long FirstCrossing(SimRequest r, int blockSize) => (long)r.Blocks * blockSize - r.Context + 1;

    /// <summary>
    /// Blocks the run allocated at iteration starts after <paramref name="time"/> (those at it count as taken, as the
    /// engine's events at a sample's time come before the sample). Times asked must not decrease within a run.
    /// </summary>
    public long AllocatedAfter(double time)
    {
        while (_sampled < Iterations && _starts[_sampled] <= time) _sampled++;
        return Allocated - _allocated[_sampled - 1];
    }

    /// <summary>
    /// The first iteration below <paramref name="upTo"/> that cannot start for lack of blocks (its start would take more
    /// than the free blocks in all since iteration 0), or <paramref name="upTo"/>. Counts iterations once, in order.
    /// </summary>
    int Fits(int upTo)
    {
        while (_counted + 1 < upTo && _short == 0)
        {
            int j = ++_counted;
            // Sequences crossing at j: those crossing for the first time and those that crossed one block earlier.
            if (j > _blockSize) _crossings[j] += _crossings[j - _blockSize];
            _allocated[j] = _allocated[j - 1] + _crossings[j];
            if (_allocated[j] > _free) _short = j;
        }
        return _short > 0 && _short < upTo ? _short : upTo;
    }

    double Cost(int j) => ServingEngine.IterationTime(_model, new IterationShape(0, 0, _sequences, _context + (double)_sequences * j, 0));

    /// <summary>Fills durations a..b (a's and b's given) from the line through the ends where it holds, else halves.</summary>
    void Draw(int a, double fa, int b, double fb)
    {
        _durations[a] = fa;
        _durations[b] = fb;
        if (b - a <= ShortestLine)
        {
            for (int j = a + 1; j < b; j++) _durations[j] = Cost(j);
            return;
        }
        int m = a + (b - a) / 2, q1 = a + (m - a) / 2, q3 = m + (b - m) / 2;
        double fm = Cost(m);
        if (OnLine(q1, Cost(q1)) && OnLine(m, fm) && OnLine(q3, Cost(q3)))
        {
            for (int j = a + 1; j < b; j++) _durations[j] = Line(j);
            return;
        }
        Draw(a, fa, m, fm);
        Draw(m, fm, b, fb);

        double Line(int j) => fa + (fb - fa) * ((double)(j - a) / (b - a));
        bool OnLine(int j, double f) => Math.Abs(f - Line(j)) <= LineTolerance * Math.Abs(f);
    }

    void Grow(int size)
    {
        if (size <= _starts.Length) return;
        int n = Math.Max(size, 2 * _starts.Length);
        _starts = new double[n];
        _durations = new double[n];
        _allocated = new long[n];
        _crossings = new int[n];
    }
}
