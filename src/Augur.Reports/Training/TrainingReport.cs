using System.Text.Json.Nodes;
using Augur.CostModels.Memory;
using Augur.CostModels.Run;
using Augur.CostModels.Training;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Augur.Reports.Training;

/// <summary>Tables and JSON for one costed training layout.</summary>
public static class TrainingReport
{
    public static IRenderable[] Tables(Scenario s, TrainingEstimate e, RunEstimate? run, ErrorBand? band)
    {
        var acc = s.Cluster.Accelerator;
        var head = Render.Table("metric", "value");
        head.AddRow("model", s.Model.Name);
        head.AddRow("hardware", $"{s.Cluster.Gpus} × {acc.Id} ({s.Cluster.SystemName}; scale-up domain {s.Cluster.ScaleUpDomain}{Format.Hypothetical(acc)})");
        head.AddRow("layout", e.Layout.ToString());
        head.AddRow("step time", Format.Seconds(e.StepSeconds));
        head.AddRow("step time range", BandReport.TimeText(band, e.StepSeconds));
        head.AddRow("tokens/s per GPU", Format.N(e.TokensPerSecondPerGpu, "0"));
        head.AddRow("tokens/s per GPU range", BandReport.ThroughputText(band, e.TokensPerSecondPerGpu));
        head.AddRow("model TFLOP/s per GPU", Format.N(e.ModelFlopsPerGpuPerSecond / 1e12, "0.#"));
        head.AddRow("MFU / HFU", $"{Format.Pct(e.Mfu)} / {Format.Pct(e.Hfu)} of dense {s.Precision.Label()} peak {Format.N(acc.Peak(s.Precision).Tflops, "0.#")} TFLOP/s");
        head.AddRow("memory per GPU", $"{Format.N(e.Memory.Total.GiB, "0.0")} GiB of {Format.N(acc.HbmCapacity.GiB, "0.0")} GiB ({(e.Fits ? "fits" : "DOES NOT FIT")})");
        head.AddRow("micro-batches per step", e.MicroBatches.ToString(System.Globalization.CultureInfo.InvariantCulture));
        head.AddRow("bottleneck", e.Bottleneck);

        var time = Render.Table("step time part", "seconds", "share");
        foreach (var (name, sec) in e.Breakdown.Parts())
            if (sec > 0) time.AddRow(name, Format.N(sec, "0.####"), Format.Pct(sec / e.StepSeconds));

        var mem = MemoryTable(e.Memory);
        var items = new List<IRenderable> { head, BandReport.Basis(band), time, mem };
        if (run is not null) items.Add(RunTable(run));
        return items.ToArray();
    }

    public static Table MemoryTable(MemoryBreakdown m)
    {
        var t = Render.Table("memory part", "GiB");
        foreach (var (name, b) in m.Parts()) if (b.GiB > 0) t.AddRow(name, Format.N(b.GiB, "0.00"));
        t.AddRow("total", Format.N(m.Total.GiB, "0.00"));
        return t;
    }

    static Table RunTable(RunEstimate r)
    {
        var t = Render.Table("whole run", "value");
        t.AddRow("steps", Format.N(r.Steps, "0"));
        t.AddRow("time without failures", Format.Seconds(r.IdealTime.Value));
        t.AddRow("time with failures", $"{Format.Seconds(r.WallTime.Value)} (goodput {Format.Pct(r.Goodput)})");
        t.AddRow("job MTBF / interruptions", $"{Format.Seconds(r.JobMtbf.Value)} / {Format.N(r.ExpectedInterruptions, "0")}");
        t.AddRow("checkpoint every (Young/Daly)", Format.Seconds(r.CheckpointInterval.Value));
        t.AddRow("GPU-hours", Format.N(r.GpuHours, "#,0"));
        t.AddRow("cost", r.Cost.Value > 0 ? "$" + Format.N(r.Cost.Value, "#,0") : "no price (set run.usd_per_gpu_hour)");
        t.AddRow("energy", Format.N(r.Energy.MegawattHours, "#,0.#") + " MWh");
        return t;
    }

    public static JsonObject Json(Scenario s, TrainingEstimate e, RunEstimate? run, ErrorBand? band)
    {
        var breakdown = new JsonObject();
        foreach (var (name, sec) in e.Breakdown.Parts()) breakdown[name + "_s"] = JsonOut.Num(sec);
        var mem = new JsonObject();
        foreach (var (name, size) in e.Memory.Parts()) mem[name] = JsonOut.Num(size.GiB);
        var o = new JsonObject
        {
            ["workload"] = "training",
            ["model"] = s.Model.Name,
            ["hardware"] = s.Cluster.Accelerator.Id,
            ["calibration"] = s.Cluster.Accelerator.Family,
            ["gpus"] = s.Cluster.Gpus,
            ["precision"] = s.Precision.Label(),
            ["routing"] = s.Model.Moe is null ? null : s.Training!.Routing.ToString().ToLowerInvariant(),
            ["layout"] = LayoutJson(e),
            ["step_time_s"] = JsonOut.Num(e.StepSeconds),
            ["step_time_s_band"] = BandReport.TimeJson(band, e.StepSeconds),
            ["tokens_per_s_per_gpu"] = JsonOut.Num(e.TokensPerSecondPerGpu),
            ["tokens_per_s_per_gpu_band"] = BandReport.ThroughputJson(band, e.TokensPerSecondPerGpu),
            ["model_tflops_per_gpu"] = JsonOut.Num(e.ModelFlopsPerGpuPerSecond / 1e12),
            ["mfu"] = JsonOut.Num(e.Mfu),
            ["hfu"] = JsonOut.Num(e.Hfu),
            ["peak_tflops_dense"] = JsonOut.Num(s.Cluster.Accelerator.Peak(s.Precision).Tflops),
            ["memory_gib_per_gpu"] = JsonOut.Num(e.Memory.Total.GiB),
            ["memory_breakdown_gib"] = mem,
            ["fits"] = e.Fits,
            ["bottleneck"] = e.Bottleneck,
            ["breakdown"] = breakdown,
        };
        if (run is not null)
        {
            o["time_to_train_s"] = JsonOut.Num(run.WallTime.Value);
            o["time_to_train_ideal_s"] = JsonOut.Num(run.IdealTime.Value);
            o["steps"] = JsonOut.Num(run.Steps);
            o["gpu_hours"] = JsonOut.Num(run.GpuHours);
            o["cost_usd"] = JsonOut.Num(run.Cost.Value);
            o["energy_mwh"] = JsonOut.Num(run.Energy.MegawattHours);
            o["goodput"] = JsonOut.Num(run.Goodput);
            o["expected_interruptions"] = JsonOut.Num(run.ExpectedInterruptions);
            o["checkpoint_interval_s"] = JsonOut.Num(run.CheckpointInterval.Value);
        }
        return o;
    }

    public static JsonObject LayoutJson(TrainingEstimate e)
    {
        var l = e.Layout;
        return new JsonObject
        {
            ["tp"] = l.Tp, ["pp"] = l.Pp, ["vp"] = l.Vp, ["dp"] = l.Dp, ["cp"] = l.Cp, ["ep"] = l.Ep, ["etp"] = l.Etp,
            ["sp"] = l.Sp, ["zero"] = l.Zero, ["microbatch"] = l.MicroBatch, ["recompute"] = RecomputeNames.Format(l.Recompute),
        };
    }
}
