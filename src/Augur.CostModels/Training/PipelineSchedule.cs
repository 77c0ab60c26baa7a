namespace Augur.CostModels.Training;

/// <summary>One forward or backward pass of one micro-batch through one model chunk on one pipeline rank.</summary>
/// <param name="Stage">Pipeline rank, 0 first.</param>
/// <param name="Chunk">Model chunk on that rank (0 unless interleaved): virtual stage Chunk·pp + Stage.</param>
public readonly record struct PipelinePass(int Stage, int Chunk, int MicroBatch, bool Forward, double Start, double End);

/// <summary>
/// The timeline of one step's pipeline: every pass on every rank, placed as early as its rank and its data allow.
/// A forward pass of virtual stage k waits for the forward of k − 1; a backward pass waits for the backward of
/// k + 1 (the last virtual stage for its own forward). Each rank runs its passes in the order of the schedule:
/// 1F1B (Narayanan et al., SC'21, arXiv:2104.04473, Sec. 2.2: p − s − 1 warm-up forwards on rank s, then one
/// forward and one backward in turn, then the remaining backwards) or, with v chunks per rank, the interleaved
/// schedule of the same paper (Sec. 2.2.2) in the pass order of its implementation (NVIDIA Apex,
/// apex/transformer/pipeline_parallel/schedules/fwd_bwd_pipelining_with_interleaving.py, as in Megatron-LM):
/// micro-batches go through the chunks in groups of p, backwards from the last chunk; the warm-up is
/// 2(p − s − 1) + (v − 1)p passes, or every forward when m = p. With equal passes each rank idles (p − 1)(F + B)/v, a share
/// (p − 1)/(v·m + p − 1) of the step's pipeline time; the cost model's bubble is that same term.
/// </summary>
public sealed record PipelineSchedule(int Stages, int Chunks, int MicroBatches, IReadOnlyList<PipelinePass> Passes)
{
    /// <summary>The time from the first pass's start to the last pass's end.</summary>
    public double Makespan => Passes.Count == 0 ? 0 : Passes.Max(p => p.End);

    /// <summary>Time rank <paramref name="stage"/> computes nothing within the makespan.</summary>
    public double Idle(int stage) => Makespan - Passes.Where(p => p.Stage == stage).Sum(p => p.End - p.Start);

    /// <summary>The largest idle share of any rank: the pipeline bubble as a fraction of the makespan.</summary>
    public double BubbleFraction => Makespan > 0 ? Enumerable.Range(0, Stages).Max(Idle) / Makespan : 0;

    /// <param name="forward">One micro-batch's forward pass through one rank's whole share of the layers (all its chunks), seconds.</param>
    /// <param name="backward">Its backward pass likewise; each chunk takes 1/<paramref name="chunks"/> of both.</param>
    public static PipelineSchedule Of(int stages, int chunks, int microBatches, double forward, double backward)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        if (chunks > 1 && microBatches % stages != 0)
            throw new ArgumentException($"the interleaved schedule needs micro-batches ({microBatches}) in groups of pp ({stages})", nameof(microBatches));
        int virtualStages = stages * chunks;
        var orders = Enumerable.Range(0, stages).Select(s => Order(stages, chunks, microBatches, s)).ToArray();
        // End time of each (micro-batch, virtual stage) pass once placed; NaN while not yet placed.
        var forwardEnd = Filled(microBatches, virtualStages);
        var backwardEnd = Filled(microBatches, virtualStages);
        var next = new int[stages];
        var free = new double[stages];
        var passes = new List<PipelinePass>(2 * microBatches * virtualStages);
        bool placed = true;
        while (placed)
        {
            placed = false;
            for (int s = 0; s < stages; s++)
            {
                while (next[s] < orders[s].Count)
                {
                    var (mb, chunk, isForward) = orders[s][next[s]];
                    int k = chunk * stages + s;
                    double ready = isForward
                        ? (k == 0 ? 0 : forwardEnd[mb, k - 1])
                        : (k == virtualStages - 1 ? forwardEnd[mb, k] : backwardEnd[mb, k + 1]);
                    if (double.IsNaN(ready)) break;
                    double start = Math.Max(free[s], ready);
                    double end = start + (isForward ? forward : backward) / chunks;
                    (isForward ? forwardEnd : backwardEnd)[mb, k] = end;
                    free[s] = end;
                    passes.Add(new PipelinePass(s, chunk, mb, isForward, start, end));
                    next[s]++;
                    placed = true;
                }
            }
        }
        if (passes.Count != 2 * microBatches * virtualStages)
            throw new InvalidOperationException("the pipeline schedule deadlocked; its pass order is inconsistent");
        return new PipelineSchedule(stages, chunks, microBatches, passes.AsReadOnly());
    }

    static double[,] Filled(int rows, int columns)
    {
        var a = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) a[i, j] = double.NaN;
        return a;
    }

    /// <summary>The passes rank <paramref name="stage"/> runs, in order: warm-up forwards, 1F1B pairs, cool-down backwards.</summary>
    static List<(int MicroBatch, int Chunk, bool Forward)> Order(int p, int v, int m, int stage)
    {
        int total = m * v;
        int warmup = v == 1 ? Math.Min(total, p - stage - 1)
            : m == p ? total
            : Math.Min(total, 2 * (p - stage - 1) + (v - 1) * p);
        var order = new List<(int, int, bool)>(2 * total);
        int f = 0, b = 0;
        for (; f < warmup; f++) order.Add(Pass(f, true));
        while (f < total)
        {
            order.Add(Pass(f++, true));
            order.Add(Pass(b++, false));
        }
        while (b < total) order.Add(Pass(b++, false));
        return order;

        // The k-th forward (or backward) of the rank: groups of p micro-batches go through every chunk in turn,
        // forwards from the first chunk, backwards from the last.
        (int, int, bool) Pass(int k, bool forward)
        {
            int inGroup = k % (p * v);
            int chunk = inGroup / p;
            return (k / (p * v) * p + k % p, forward ? chunk : v - 1 - chunk, forward);
        }
    }
}
