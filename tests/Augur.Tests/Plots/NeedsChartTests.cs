using Augur.Domain.Workloads;
using Augur.Plots;
using Augur.Workflows.Needs;

namespace Augur.Tests.Plots;

public class NeedsChartTests
{
    [Fact]
    public void The_sensitivity_chart_has_one_bar_label_per_resource_with_a_gain()
    {
        var o = new SensitivityOutcome(WorkloadKind.Training, 10,
        [
            new SensitivityRow(Resource.Flops, 1000, 1100, 9.3, 0.075, ""),
            new SensitivityRow(Resource.HbmBandwidth, 3.35, 3.685, 9.9, 0.01, ""),
            new SensitivityRow(Resource.Gpus, 512, 576, null, null, "no layout fits"),
        ]);
        var chart = NeedsCharts.Sensitivity(o);
        var texts = ChartFiles.SvgTexts(chart);
        Assert.Contains("Gain in step time from +10% of each resource", texts);
        Assert.Contains("gain (%)", texts);
        Assert.Contains(Resources.Name(Resource.Flops), texts);
        Assert.Contains(Resources.Name(Resource.HbmBandwidth), texts);
        // A resource whose raised amount has no plan has no gain to draw.
        Assert.DoesNotContain(Resources.Name(Resource.Gpus), texts);
        ChartFiles.AssertPng(chart);
    }

    [Fact]
    public void The_probe_chart_marks_the_scenario_amount_and_the_least_that_meets()
    {
        // Probes without a plan (refused) draw no point; the two marker lines remain. 1.25 to 80 GB spans more
        // than a decade, so the axis is logarithmic.
        var o = new NeedsOutcome(Resource.HbmCapacity, 80, 40, (1.25, 5120), [new NeedsTarget("days", 90)],
            [new NeedsProbe(1.25, false, null, "does not fit"), new NeedsProbe(40, true, null, "")]);
        var texts = ChartFiles.SvgTexts(NeedsCharts.Probes(o));
        Assert.Contains(texts, t => t.StartsWith($"Least {Resources.Name(Resource.HbmCapacity)} to ", StringComparison.Ordinal));
        Assert.Contains($"{Resources.Name(Resource.HbmCapacity)} ({Resources.Unit(Resource.HbmCapacity)}, log scale)", texts);
        Assert.Contains($"scenario's own: 80 {Resources.Unit(Resource.HbmCapacity)}", texts);
        Assert.Contains($"least that meets: 40 {Resources.Unit(Resource.HbmCapacity)}", texts);
    }

    [Fact]
    public void Probes_within_a_decade_use_a_plain_axis()
    {
        var o = new NeedsOutcome(Resource.HbmCapacity, 80, 72, (1.25, 5120), [new NeedsTarget("days", 90)],
            [new NeedsProbe(72, true, null, "")]);
        var texts = ChartFiles.SvgTexts(NeedsCharts.Probes(o));
        Assert.Contains($"{Resources.Name(Resource.HbmCapacity)} ({Resources.Unit(Resource.HbmCapacity)})", texts);
    }
}
