using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.Domain;
using Augur.Domain.Hardware;
using Xunit;

namespace Augur.Tests.Training;

/// <summary>
/// Training's GEMMs at their shapes from the part's measured linear rows (source.yaml <c>trains</c>; TrainingGemms): a row
/// less the input quantize it also timed, taken on the target chip's roofline, never faster than the calibrated sustained
/// rate. Rows quoted from gemm.csv; peaks, bandwidths, streaming efficiency and launch time from catalog/accelerators and
/// catalog/calibration.
/// </summary>
public class TrainingGemmTests
{
    static readonly CatalogStore Catalog = CatalogStore.Default;

    /// <summary>The rates a training job's GEMMs get at <paramref name="p"/> on <paramref name="accelerator"/>.</summary>
    static DeviceRates Rates(string accelerator, Precision p)
    {
        var a = Catalog.Accelerator(accelerator);
        var c = Catalog.Calibration(a);
        return new DeviceRates(a, c, p) { Linear = TrainingGemms.On(c, a, p) };
    }

    static double Gemm(string accelerator, Precision p, double m, double n, double k) =>
        Roofline.GemmSeconds(Rates(accelerator, p), m, n, k, p.StoredBytesPerWeight(), 2);

    [Fact]
    public void A_B200_NVFP4_row_less_its_cast_times_the_same_GEMM_in_training()
    {
        // fp4,4096,4096,4096: 54.096 µs on the B200, the fp4_quantize of its 4096×4096 BF16 input included: 2 B read and
        // ½ B + 1/16 B written per element at 8 TB/s × 0.85 (16.777M × 2.5625 B / 6.8e12 = 6.3223 µs) plus one 4 µs launch.
        // The GEMM is 54.096 - 10.3223 = 43.7737 µs, slower than FP4's sustained 0.72 × 9,000 TFLOP/s (2·4096³ / 6.48e15 =
        // 21.21 µs), so the row stands.
        double quantize = 4096.0 * 4096 * 2.5625 / (8e12 * 0.85) + 4e-6;
        Assert.Equal(10.3223e-6, quantize, 10);
        Assert.Equal(54.096e-6 - quantize, Gemm("b200", Precision.FP4, 4096, 4096, 4096), 12);
    }

    [Fact]
    public void A_per_tensor_FP8_row_loses_its_amax_pass_and_cast()
    {
        // fp8,4096,4096,4096: 88.608 µs, with an amax pass (2 B read) and a cast (2 B read, 1 B written): 16.777M × 5 B /
        // 6.8e12 = 12.336 µs plus two 4 µs launches. 68.272 µs is 0.447 of the 4,500 TFLOP/s FP8 peak, below the
        // calibrated 0.55 (55.5 µs), so the row stands.
        double gemm = 88.608e-6 - (4096.0 * 4096 * 5 / 6.8e12 + 8e-6);
        Assert.Equal(68.272e-6, gemm, 9);
        Assert.Equal(gemm, Gemm("b200", Precision.FP8, 4096, 4096, 4096), 12);
    }

    [Fact]
    public void A_sibling_on_the_same_die_takes_the_ratio_on_its_own_peak()
    {
        // The GB200 runs the B200's die at a 10,000 TFLOP/s dense FP4 peak: the B200 row's ratio to its ideal
        // (43.7737 / (2·4096³ / 9e15) = 2.8665) times the GB200's ideal (2·4096³ / 1e16 = 13.744 µs) = 39.397 µs.
        double flops = 2.0 * 4096 * 4096 * 4096;
        double ratio = (54.096e-6 - (4096.0 * 4096 * 2.5625 / (8e12 * 0.85) + 4e-6)) / (flops / 9e15);
        Assert.Equal(10_000e12, Catalog.Accelerator("gb200").Peak(Precision.FP4).PerSecond);
        Assert.Equal(ratio * flops / 1e16, Gemm("gb200", Precision.FP4, 4096, 4096, 4096), 12);
    }

    [Fact]
    public void A_row_faster_than_the_sustained_rate_is_held_to_it()
    {
        // bf16,2048,8192,8192 on the H100: 372.072 µs (738.8 TFLOP/s, a burst of CUDA-graph replays). Training runs at the
        // power cap, where the calibrated 0.68 of 989.4 TFLOP/s holds: 2·2048·8192² / 672.79e12 = 408.56 µs.
        double sustained = 2.0 * 2048 * 8192 * 8192 / (0.68 * 989.4e12);
        Assert.Equal(408.56e-6, sustained, 8);
        Assert.Equal(sustained, Gemm("h100-sxm", Precision.BF16, 2048, 8192, 8192), 12);
        Assert.True(372.072e-6 < sustained);
    }

    /// <summary>The accelerator of a training scenario on <paramref name="hardware"/> (a catalog name or an inline mapping).</summary>
    static Accelerator Part(string hardware) => Scenarios.FromYaml(
        $"workload: training\nmodel: llama3.1-8b\nhardware: {hardware}\ncluster: {{gpus: 8}}\nprecision: fp4\ntraining: {{seq_len: 4096, global_batch: 8}}\n").Cluster.Accelerator;

    static double Gemm(Accelerator a, Precision p, double m, double n, double k)
    {
        var c = Catalog.Calibration(a);
        return Roofline.GemmSeconds(new DeviceRates(a, c, p) { Linear = TrainingGemms.On(c, a, p) }, m, n, k, p.StoredBytesPerWeight(), 2);
    }

    [Fact]
    public void The_same_die_with_other_memory_keeps_its_measured_GEMMs()
    {
        // A B200 with 16 TB/s of HBM: the NVFP4 row at 4096³ is compute-bound on either ideal, so its GEMM keeps the B200's
        // 54.096 - 10.3223 = 43.7737 µs.
        var faster = Part("{base: b200, hbm_tb_s: 16}");
        Assert.Equal("b200", faster.KernelId);
        Assert.Equal(54.096e-6 - (4096.0 * 4096 * 2.5625 / (8e12 * 0.85) + 4e-6), Gemm(faster, Precision.FP4, 4096, 4096, 4096), 12);
    }

    [Fact]
    public void Another_peak_is_another_chip_on_the_calibrated_rate()
    {
        // Twice the FP4 peak: no measured kernels, so the calibrated roofline. At 0.72 of 18,000 TFLOP/s the FLOPs take
        // 2·4096³ / 12.96e15 = 10.605 µs, less than the operands at 0.85 of 8 TB/s: (4096²·0.5625 + 2·4096²·2) B / 6.8e12 =
        // 11.257 µs, plus the 4 µs launch: 15.257 µs (the B200's own row: 43.77 µs).
        var other = Part("{base: b200, dense_tflops: {fp4: 18000}}");
        Assert.NotEqual("b200", other.KernelId);
        double memory = (4096.0 * 4096 * 0.5625 + 2.0 * 4096 * 4096 * 2) / (8e12 * 0.85);
        Assert.True(2.0 * 4096 * 4096 * 4096 / (0.72 * 18_000e12) < memory);
        Assert.Equal(15.257e-6, memory + 4e-6, 9);
        Assert.Equal(memory + 4e-6, Gemm(other, Precision.FP4, 4096, 4096, 4096), 12);
    }

    [Fact]
    public void Parts_no_set_trains_for_keep_the_calibrated_rate()
    {
        foreach (var id in new[] { "h20", "mi355x", "tpu-v6e", "a100-sxm-80g" })
        {
            var a = Catalog.Accelerator(id);
            Assert.Null(Catalog.Calibration(a).TrainingGemms?.Value);
        }
        // The B200 set holds no BF16-weight MXFP8 or FP32 rows: a precision the set does not train stays on the calibration.
        var b200 = Catalog.Accelerator("b200");
        Assert.Null(TrainingGemms.On(Catalog.Calibration(b200), b200, Precision.FP32));
    }

    [Fact]
    public void Every_set_that_trains_is_named_by_its_family_and_every_named_set_trains()
    {
        var named = Catalog.Calibrations.SelectMany(c => c.TrainingGemmSets.Select(id => (c.Family, Id: id))).ToList();
        Assert.All(named, n => Assert.NotNull(Catalog.Measurement(n.Id)?.Trains));
        foreach (var set in Catalog.Measurements.Where(m => m.Trains is not null))
            Assert.Contains(named, n => n.Id == set.Id && n.Family == Catalog.Accelerator(set.AcceleratorId).Family);
    }

    [Fact]
    public void Each_part_takes_its_training_GEMMs_from_one_set()
    {
        var claims = Catalog.Measurements.Where(m => m.Trains is not null)
            .SelectMany(m => m.Trains!.Accelerators.Select(a => (Accelerator: a, m.Id))).ToList();
        Assert.NotEmpty(claims);
        Assert.All(claims.GroupBy(c => c.Accelerator), g => Assert.Single(g));
        Assert.All(claims, c => Catalog.Accelerator(c.Accelerator));
    }

    [Fact]
    public void A_quantize_for_a_precision_the_set_does_not_train_is_one_line()
    {
        string folder = Path.Combine(Path.GetTempPath(), "augur-trains-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "source.yaml"), """
                id: t
                accelerator: b200
                device: test
                measured_on: test
                software: test
                source: test
                method: test
                trains:
                  accelerators: [b200]
                  precisions: [bf16]
                  input_quantize: {fp4: {bytes_per_element: 2.5, kernels: 1}}
                  why: test
                """);
            File.WriteAllText(Path.Combine(folder, "gemm.csv"), "precision,m,n,k,shape,seconds\nbf16,1,8,8,x,1e-6\nbf16,2,8,8,x,1e-6\n");
            foreach (var (file, header) in new[] { ("memory.csv", "kind,bytes,seconds"), ("attention.csv", "phase,backend,batch,heads,kv_heads,q_len,kv_len,head_dim,fwd_seconds,fwd_bwd_seconds"), ("sustained.csv", "precision,elapsed_s,tflops,power_w,sm_clock_mhz") })
                File.WriteAllText(Path.Combine(folder, file), header + "\n");
            var e = Assert.Throws<InputException>(() => MeasurementReader.ReadFolder(folder));
            Assert.Contains("input_quantize.fp4: not one of this set's training precisions (bf16)", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }
}
