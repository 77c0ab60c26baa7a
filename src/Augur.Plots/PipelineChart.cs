using Augur.CostModels.Training;
using Augur.Workflows;
using ScottPlot;

namespace Augur.Plots;

/// <summary>The pipeline schedule of a training estimate: each stage's forward and backward passes on a time axis.</summary>
public static class PipelineChart
{
    /// <summary>Passes drawn at most; a longer step shows its first micro-batches (the bubble does not depend on their number).</summary>
    public const int MaxPasses = 20_000;

    /// <summary>Passes few enough to carry their micro-batch number.</summary>
    const int MaxLabelledPasses = 240;

    public static Chart Of(TrainingEstimateOutcome o)
    {
        var e = o.Estimate;
        var l = e.Layout;
        int shown = Shown(l.Pp, l.Vp, e.MicroBatches);
        var schedule = PipelineSchedule.Of(l.Pp, l.Vp, shown, e.MicroBatchForward.Value, e.MicroBatchBackward.Value);
        string kind = l.Vp > 1 ? $"interleaved vp{l.Vp}" : "1F1B";
        // A cut schedule has the whole step's bubble but less work around it, so only its seconds are the step's.
        string which = shown < e.MicroBatches
            ? FormattableString.Invariant($"first {shown} of {e.MicroBatches} micro-batches")
            : FormattableString.Invariant($"{shown} micro-batches");
        double bubble = Enumerable.Range(0, l.Pp).Max(schedule.Idle);
        var p = Style.New(FormattableString.Invariant(
                $"Pipeline schedule ({kind}), {l.Pp} stages x {which}: bubble {bubble:0.###} s ({schedule.BubbleFraction * 100:0.#}%)"),
            "time in the step (s)", "pipeline stage");
        bool labelled = schedule.Passes.Count <= MaxLabelledPasses;
        foreach (bool forward in new[] { true, false })
        {
            var bars = schedule.Passes.Where(x => x.Forward == forward).Select(x => new Bar
            {
                Position = x.Stage, ValueBase = x.Start, Value = x.End, Size = 0.8, LineWidth = 0,
                FillColor = Style.ColorOf(forward ? 0 : 1).WithAlpha(1 - 0.5 * x.Chunk / Math.Max(1, l.Vp)),
                Label = labelled ? x.MicroBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                CenterLabel = true,
            }).ToList();
            var plot = p.Add.Bars(bars);
            plot.Horizontal = true;
            plot.LegendText = forward ? "forward pass" : "backward pass";
        }
        p.Axes.Left.SetTicks(Enumerable.Range(0, l.Pp).Select(i => (double)i).ToArray(), Enumerable.Range(0, l.Pp).Select(i => $"stage {i}").ToArray());
        p.Axes.InvertY();
        p.Axes.Margins(left: 0);
        p.ShowLegend(Alignment.LowerRight);
        return new Chart([p], Math.Max(Chart.StandardHeight, 160 + 28 * l.Pp));
    }

    /// <summary>All micro-batches when their passes fit <see cref="MaxPasses"/>, else the most that do in whole groups of pp.</summary>
    public static int Shown(int stages, int chunks, int microBatches)
    {
        long passes = 2L * stages * chunks * microBatches;
        if (passes <= MaxPasses) return microBatches;
        int fit = (int)(MaxPasses / (2L * stages * chunks));
        return Math.Min(microBatches, Math.Max(stages, fit / stages * stages));
    }
}
