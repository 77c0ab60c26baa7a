using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;

namespace Augur.Tests.Validation;

public class ErrorBandTests
{
    static BandKey Key(string family, string precision = "bf16", bool moe = false, WorkloadKind w = WorkloadKind.Training, bool calibrated = true) =>
        new(family, w, moe, precision, calibrated);

    /// <summary>A case that is its own publication unless one is named.</summary>
    static BandEvidence E(string id, BandKey key, double error, string? publication = null) => new(id, key, error, publication ?? id);

    /// <summary>Family a: 19 dense BF16 training cases at +1% .. +19% and 3 dense FP8 ones at +50%, +60%, +70%.</summary>
    static ErrorBands Synthetic()
    {
        var e = Enumerable.Range(1, 19).Select(i => E($"bf16-{i}", Key("a"), i / 100.0)).ToList();
        e.AddRange(new[] { 0.5, 0.6, 0.7 }.Select((x, i) => E($"fp8-{i}", Key("a", "fp8"), x)));
        return new ErrorBands(e);
    }

    [Fact]
    public void Bounds_are_the_order_statistics_at_rank_n_plus_1_times_p_rounded_outward()
    {
        // n = 9: ranks 10·0.1 = 1 and 10·0.9 = 9, the extremes.
        double[] nine = [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5];
        Assert.Equal(-0.3, ErrorBands.Quantile(nine, 0.1));
        Assert.Equal(0.5, ErrorBands.Quantile(nine, 0.9));
        // n = 14: ranks 1.5 -> 1 (down) and 13.5 -> 14 (up).
        var fourteen = Enumerable.Range(1, 14).Select(i => (double)i).ToList();
        Assert.Equal(1, ErrorBands.Quantile(fourteen, 0.1));
        Assert.Equal(14, ErrorBands.Quantile(fourteen, 0.9));
        // n = 19: ranks 2 and 18.
        var nineteen = Enumerable.Range(1, 19).Select(i => (double)i).ToList();
        Assert.Equal(2, ErrorBands.Quantile(nineteen, 0.1));
        Assert.Equal(18, ErrorBands.Quantile(nineteen, 0.9));
        // Fewer than nine: the extremes (ranks below 1 or above n).
        Assert.Equal(1, ErrorBands.Quantile([1.0, 2, 3], 0.1));
        Assert.Equal(3, ErrorBands.Quantile([1.0, 2, 3], 0.9));
    }

    [Fact]
    public void A_group_of_nineteen_like_cases_gives_its_second_and_eighteenth_errors()
    {
        var b = Synthetic().For(Key("a"))!;
        Assert.Equal(0.02, b.LowError, 12);
        Assert.Equal(0.18, b.HighError, 12);
        Assert.Equal("10-90% bounds from 19 out-of-sample a training dense bf16 cases in 19 publications, each weighing the same", b.Basis);
    }

    [Fact]
    public void Too_few_cases_of_a_precision_fall_back_to_the_family_and_kind()
    {
        // 3 FP8 cases < 9: the 22 dense cases of family a, sorted 0.01..0.19, 0.5, 0.6, 0.7; ranks 23·0.1 = 2.3 -> 2
        // (0.02) and 23·0.9 = 20.7 -> 21 (0.6).
        var b = Synthetic().For(Key("a", "fp8"))!;
        Assert.Equal(0.02, b.LowError, 12);
        Assert.Equal(0.6, b.HighError, 12);
        Assert.Equal("10-90% bounds from 22 out-of-sample a training dense cases in 22 publications, each weighing the same", b.Basis);
    }

    [Fact]
    public void Thin_evidence_widens_the_band_to_every_case_sharing_the_family_or_the_kind()
    {
        var bands = Synthetic();
        // Family b has no case: every dense training case (22, +1% .. +70%).
        var other = bands.For(Key("b"))!;
        Assert.Equal((0.01, 0.7), (other.LowError, other.HighError));
        Assert.Equal("whole range of 22 out-of-sample training cases on b or of dense models, since there is no b training case", other.Basis);
        // Family c has no case and nothing is MoE: nothing is shared, so every training case.
        Assert.Equal((0.01, 0.7), (bands.For(Key("c", moe: true))!.LowError, bands.For(Key("c", moe: true))!.HighError));
        // A precision family a has no case of: family a's 22 cases.
        var fp4 = bands.For(Key("a", "fp4"))!;
        Assert.Equal((0.01, 0.7), (fp4.LowError, fp4.HighError));
        Assert.EndsWith(", since there is no a training case in fp4", fp4.Basis);
        // A model kind family a has no case of.
        Assert.EndsWith(", since there is no a training moe case", bands.For(Key("a", moe: true))!.Basis);
        // An uncalibrated family: the whole range rather than the 10-90% bounds of its 19 BF16 cases (+2% .. +18%).
        var uncal = bands.For(Key("a", calibrated: false))!;
        Assert.Equal((0.01, 0.7), (uncal.LowError, uncal.HighError));
        Assert.EndsWith(", since a is uncalibrated", uncal.Basis);
        // Hypothetical hardware of family a: its 19 like cases are real chips, so the whole range too.
        var hypothetical = bands.For(new BandKey("a", WorkloadKind.Training, false, "bf16", Calibrated: true, Hypothetical: true))!;
        Assert.Equal((0.01, 0.7), (hypothetical.LowError, hypothetical.HighError));
        Assert.EndsWith(", since the hardware is hypothetical (the a evidence is for real chips)", hypothetical.Basis);
    }

    [Fact]
    public void No_case_of_the_workload_gives_no_band()
    {
        Assert.Null(Synthetic().For(Key("a", w: WorkloadKind.Inference)));
    }

    [Fact]
    public void A_band_on_errors_becomes_a_range_of_throughput_and_of_time()
    {
        // measured = predicted / (1 + error): +25% -> 100 / 1.25 = 80, -20% -> 100 / 0.8 = 125; time is the inverse.
        var b = new ErrorBand(-0.2, 0.25, "x");
        var (lo, hi) = b.Throughput(100);
        Assert.Equal(80, lo, 9);
        Assert.Equal(125, hi, 9);
        var (tlo, thi) = b.Time(10);
        Assert.Equal(8, tlo, 9);
        Assert.Equal(12.5, thi, 9);
    }

    [Fact]
    public void Leave_one_out_coverage_on_a_tiny_set()
    {
        // Four training cases of one kind (+10%, +20%, +30%, +90%): each left out faces the other three, whose band is
        // their whole range (fewer than nine). 0.1 misses [0.2, 0.9]; 0.2 and 0.3 lie within [0.1, 0.9]; 0.9 misses
        // [0.1, 0.3]: 2 of 4. The one inference case has no other inference case to draw on: 0 of 1.
        var e = new[] { 0.1, 0.2, 0.3, 0.9 }.Select((x, i) => E($"t{i}", Key("a"), x)).ToList();
        e.Add(E("i0", Key("a", w: WorkloadKind.Inference), 0.05));
        var bands = new ErrorBands(e);
        var training = bands.Coverage(WorkloadKind.Training);
        Assert.Equal((4, 2), (training.Cases, training.Held));
        Assert.Equal(0.5, training.Fraction);
        var left = bands.LeaveOneOut(WorkloadKind.Training);
        Assert.Equal([false, true, true, false], left.Select(l => l.Held));
        Assert.Equal((0.2, 0.9), (left[0].Band!.LowError, left[0].Band!.HighError));
        var inference = bands.Coverage(WorkloadKind.Inference);
        Assert.Equal((1, 0), (inference.Cases, inference.Held));
    }

    [Fact]
    public void Each_publication_weighs_the_same_so_a_long_table_does_not_set_the_bound()
    {
        // Publication "t" holds ten cases at +0.1% .. +1.0% (weight 1/10 each); 18 single-case publications sit at
        // +10% .. +180%. 19 publications: ranks 20·0.1 = 2 and 20·0.9 = 18 in publication weight. The cumulative
        // weight reaches 1 at +1.0% (the table's last row) and 2 at +10%: the 10% bound is +10%, where the 28 cases
        // counted alike would give their second, +0.2%. Weight 18 is reached at the 17th single case, +170%.
        var e = Enumerable.Range(1, 10).Select(i => E($"t{i}", Key("a"), i / 1000.0, "t")).ToList();
        e.AddRange(Enumerable.Range(1, 18).Select(i => E($"p{i}", Key("a"), i / 10.0)));
        var b = new ErrorBands(e).For(Key("a"))!;
        Assert.Equal((0.1, 1.7), (b.LowError, b.HighError));
        Assert.Equal("10-90% bounds from 28 out-of-sample a training dense bf16 cases in 19 publications, each weighing the same", b.Basis);
        Assert.Equal(0.002, ErrorBands.Quantile(e.Select(x => x.Error).Order().ToList(), 0.1), 12);
    }

    [Fact]
    public void Fewer_than_nine_publications_give_the_whole_range_however_many_cases()
    {
        // Twelve cases from two publications: the extremes, -5% and +30%.
        var e = Enumerable.Range(0, 10).Select(i => E($"t{i}", Key("a"), i / 100.0, "t")).ToList();
        e.Add(E("u0", Key("a"), -0.05, "u"));
        e.Add(E("u1", Key("a"), 0.30, "u"));
        var b = new ErrorBands(e).For(Key("a"))!;
        Assert.Equal((-0.05, 0.30), (b.LowError, b.HighError));
        // No group holds nine publications, not even the workload: the workload's whole range, named as such.
        Assert.Equal("whole range of 12 out-of-sample training cases: 2 publications, fewer than the 9 a 10-90% bound needs", b.Basis);
    }

    [Fact]
    public void A_group_of_many_cases_from_few_publications_defers_to_a_coarser_one_that_has_nine()
    {
        // Family a: 12 dense cases from one table at +40% .. +51%. Family b: 10 dense cases, each its own publication,
        // at -10% .. +8% (step 2%). For family a the finest group with nine publications is "training dense" (11):
        // ranks 12·0.1 = 1.2 -> 1 and 12·0.9 = 10.8 -> 11 in publication weight. Sorted, the ten single cases weigh 1
        // each and the table's twelve 1/12 each: weight 1 is reached at -10%, weight 11 at the table's last row, +51%.
        var e = Enumerable.Range(0, 12).Select(i => E($"a{i}", Key("a"), 0.40 + i / 100.0, "table")).ToList();
        e.AddRange(Enumerable.Range(0, 10).Select(i => E($"b{i}", Key("b"), -0.10 + 2 * i / 100.0)));
        var b = new ErrorBands(e).For(Key("a"))!;
        Assert.Equal((-0.10, 0.51), (Math.Round(b.LowError, 12), Math.Round(b.HighError, 12)));
        Assert.Equal("10-90% bounds from 22 out-of-sample training dense cases in 11 publications, each weighing the same", b.Basis);
    }

    [Fact]
    public void Coverage_also_counts_bands_that_held_with_the_whole_publication_left_out()
    {
        // Publication A: +10%, +20%; B: +30%; C: +90%. Each alone: 0.1 misses [0.2, 0.9], 0.2 and 0.3 hold, 0.9 misses
        // [0.1, 0.3]: 2. Without its publication: 0.1 and 0.2 face B and C, [0.3, 0.9], and miss; 0.3 faces [0.1, 0.9]
        // and holds; 0.9 faces [0.1, 0.3] and misses: 1.
        var bands = new ErrorBands([E("a1", Key("a"), 0.1, "A"), E("a2", Key("a"), 0.2, "A"), E("b", Key("a"), 0.3, "B"), E("c", Key("a"), 0.9, "C")]);
        var c = bands.Coverage(WorkloadKind.Training);
        Assert.Equal((4, 2, 1), (c.Cases, c.Held, c.HeldWithoutPublication));
        Assert.Equal(0.25, c.FractionWithoutPublication);
    }

    [Theory]
    [InlineData(0.22, 0.75, "slower")]
    [InlineData(-0.3, -0.05, "faster")]
    [InlineData(-0.1, 0.2, "both")]
    [InlineData(0, 0.2, "both")]
    public void A_band_says_when_every_case_it_rests_on_ran_on_one_side_of_its_prediction(double low, double high, string side) =>
        Assert.Equal(side, new ErrorBand(low, high, "b").MeasuredVsEstimate);

    [Fact]
    public void A_band_wholly_below_a_throughput_estimate_is_read_as_such()
    {
        // Errors +22% .. +75%: measured = predicted / (1 + e), so 11,000 tok/s reads 11,000 / 1.75 = 6,285.7 to
        // 11,000 / 1.22 = 9,016.4, all under the estimate; a time of 10 s reads 12.2 to 17.5 s, all over it.
        var b = new ErrorBand(0.22, 0.75, "b");
        var (low, high) = b.Throughput(11_000);
        Assert.Equal(6_285.714286, low, 5);
        Assert.Equal(9_016.393443, high, 5);
        Assert.Equal((12.2, 17.5), (Math.Round(b.Time(10).Low, 9), Math.Round(b.Time(10).High, 9)));
        var json = Augur.Reports.BandReport.ThroughputJson(b, 11_000)!;
        Assert.Equal("slower", (string?)json["measured_vs_estimate"]);
    }

    [Theory]
    [InlineData("NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md @ 00f3768 (v1.0 table): 128/128", "NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md")]
    [InlineData("MLPerf Training v5.1 closed, AMD MI355X llama31_8b, read from mlcommons/training_results_v5.1", "MLPerf Training v5.1 closed, AMD")]
    [InlineData("MLPerf Inference v5.1 closed, AMD 8xMI300X llama2-70b-99 Server mlperf_log_summary.txt, read from ntuhpc/inference_results_v5.1 @ 965182b: 47804 tokens/s",
        "MLPerf Inference v5.1 closed, AMD")]
    [InlineData("MLPerf Training v6.0 closed, NVIDIA tyche-hsg_ngpu8192_ngc26.04_nemo deepseekv3_671b, read from a copy", "MLPerf Training v6.0 closed, NVIDIA")]
    [InlineData("A paper, Table 4", "A paper, Table 4")]
    public void A_case_s_publication_is_its_repository_file_or_its_result(string source, string publication) =>
        Assert.Equal(publication, ValidationCase.PublicationOf(source));
}
