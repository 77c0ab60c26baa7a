using System.Text.Json.Nodes;
using Augur.CostModels;
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
        bool fits = e.Fits;
        var head = Render.Table("metric", "value");
        head.AddRow("model", s.Model.Name);
        head.AddRow("hardware", $"{s.Cluster.Gpus} × {acc.Id} ({s.Cluster.SystemName}; scale-up domain {s.Cluster.ScaleUpDomain}{Format.Hypothetical(acc)}{(s.Cluster.Sites > 1 ? $"; {s.Cluster.Sites} sites of {s.Cluster.GpusPerSite}" : "")})");
        head.AddRow("layout", e.Layout.ToString());
        if (s.Training!.Lora is { } lora) head.AddRow("fine-tuning", LoraText(lora));
        head.AddRow("step time", Format.Seconds(e.StepTime.Value));
        head.AddRow("step time range", BandReport.TimeText(band, e.StepTime.Value));
        head.AddRow("tokens/s per GPU", fits ? Format.N(e.TokensPerSecondPerGpu, "0") : NotRun);
        head.AddRow("tokens/s per GPU range", fits ? BandReport.ThroughputText(band, e.TokensPerSecondPerGpu) : NotRun);
        head.AddRow("model TFLOP/s per GPU", fits ? Format.N(e.ModelFlopRatePerGpu.Tflops, "0.#") : NotRun);
        head.AddRow("MFU / HFU", fits ? $"{Format.Pct(e.Mfu)} / {Format.Pct(e.Hfu)} of dense {s.Precision.Label()} peak {Format.N(acc.Peak(s.Precision).Tflops, "0.#")} TFLOP/s" : NotRun);
        bool hbmFits = e.HbmFits;
        head.AddRow("memory per GPU", $"{Format.N(e.Memory.Total.GiB, "0.0")} GiB of {Format.N(acc.HbmCapacity.GiB, "0.0")} GiB ({(hbmFits ? "fits" : "DOES NOT FIT")})");
        if (e.HostOptimizer.Value > 0 && acc.HostMemory is { } host)
            head.AddRow("optimizer on the host", $"{Format.N(e.HostOptimizer.GiB, "0.0")} GiB of {Format.N(host.Capacity.GiB, "0.0")} GiB host memory per GPU ({(e.HostFits ? "fits" : "DOES NOT FIT")})");
        head.AddRow("micro-batches per step", e.MicroBatches.ToString(System.Globalization.CultureInfo.InvariantCulture));
        head.AddRow("bottleneck", e.Bottleneck.Label());

        var time = Render.Table("step time part", "seconds", "share");
        foreach (var (name, part) in e.Breakdown.Parts())
            if (part.Value > 0) time.AddRow(name, Format.N(part.Value, "0.####"), Format.Pct(part / e.StepTime));

        var mem = MemoryTable(e.Memory);
        var items = new List<IRenderable> { head, BandReport.Basis(band), time, mem };
        if (e.CrossSite is { } across) items.Insert(3, CrossSiteReport.Table(across, fits ? run : null));
        if (!fits) items.Insert(0, Render.Line(hbmFits && acc.HostMemory is { } h
            ? DoesNotFit(e.HostOptimizer.GiB, h.Capacity.GiB, "of host memory for the optimizer", "lower training.optimizer_offload or add GPUs")
            : DoesNotFit(e.Memory.Total.GiB, acc.HbmCapacity.GiB, "add GPUs, raise zero or recompute, or use a larger-memory accelerator")));
        else if (run is not null) items.Add(RunTable(run));
        return items.ToArray();
    }

    /// <summary>What a layout that does not fit shows where a throughput would be: it cannot run, so it has none.</summary>
    public const string NotRun = "none (does not fit)";

    /// <summary>The first line of an estimate whose memory exceeds the GPU's: the shortfall and what would make room.</summary>
    public static string DoesNotFit(double needGiB, double haveGiB, string fixes) => DoesNotFit(needGiB, haveGiB, "", fixes);

    /// <summary>The same for a memory other than HBM, named in <paramref name="of"/> (such as "of host memory for the optimizer").</summary>
    public static string DoesNotFit(double needGiB, double haveGiB, string of, string fixes) =>
        $"DOES NOT FIT: needs {Format.N(needGiB, "0.0")} GiB per GPU{(of.Length > 0 ? " " + of : "")} of {Format.N(haveGiB, "0.0")} GiB (short by {Format.N(needGiB - haveGiB, "0.0")} GiB); "
        + $"{CannotRun}; {fixes}";

    /// <summary>What every not-fitting line says of the estimate it heads.</summary>
    public const string CannotRun = "it cannot run, so no throughput, cost or energy is given";

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
        t.AddRow("energy", Format.Energy(r.Energy));
        return t;
    }

    public static JsonObject Json(Scenario s, TrainingEstimate e, RunEstimate? run, ErrorBand? band)
    {
        var breakdown = new JsonObject();
        foreach (var (name, part) in e.Breakdown.Parts()) breakdown[name + "_s"] = JsonOut.Num(part.Value);
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
            ["dispatcher"] = s.Model.Moe is null ? null : s.Training!.Dispatcher.Label(),
            ["layout"] = LayoutJson(e),
            ["step_time_s"] = JsonOut.Num(e.StepTime.Value),
            ["step_time_s_band"] = BandReport.TimeJson(band, e.StepTime.Value),
            ["tokens_per_s_per_gpu"] = e.Fits ? JsonOut.Num(e.TokensPerSecondPerGpu) : null,
            ["tokens_per_s_per_gpu_band"] = e.Fits ? BandReport.ThroughputJson(band, e.TokensPerSecondPerGpu) : null,
            ["model_tflops_per_gpu"] = e.Fits ? JsonOut.Num(e.ModelFlopRatePerGpu.Tflops) : null,
            ["mfu"] = e.Fits ? JsonOut.Num(e.Mfu) : null,
            ["hfu"] = e.Fits ? JsonOut.Num(e.Hfu) : null,
            ["peak_tflops_dense"] = JsonOut.Num(s.Cluster.Accelerator.Peak(s.Precision).Tflops),
            ["memory_gib_per_gpu"] = JsonOut.Num(e.Memory.Total.GiB),
            ["memory_breakdown_gib"] = mem,
            ["fits"] = e.Fits,
            ["bottleneck"] = e.Bottleneck.Label(),
            ["breakdown"] = breakdown,
        };
        if (s.Training!.Lora is { } lora) o["lora"] = LoraJson(lora);
        var host = s.Cluster.Accelerator.HostMemory;
        if (e.HostOptimizer.Value > 0) o["host_optimizer_gib_per_gpu"] = JsonOut.Num(e.HostOptimizer.GiB);
        if (e.CrossSite is { } across) o["cross_site"] = CrossSiteReport.Json(across, e.Fits ? run : null);
        if (!e.HbmFits) o["shortfall_gib_per_gpu"] = JsonOut.Num(e.Memory.Total.GiB - s.Cluster.Accelerator.HbmCapacity.GiB);
        else if (!e.HostFits && host is not null) o["host_shortfall_gib_per_gpu"] = JsonOut.Num(e.HostOptimizer.GiB - host.Capacity.GiB);
        else if (run is not null)
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

    /// <summary>LoRA's adapters as the table names them: rank, targets and the frozen base's format.</summary>
    static string LoraText(LoraSpec lora) =>
        $"LoRA rank {lora.Rank} on {string.Join(", ", lora.TargetList)}, base frozen in {(lora.Fp8BaseWeights ? "FP8" : "16 bits")}";

    static JsonObject LoraJson(LoraSpec lora) => new()
    {
        ["rank"] = lora.Rank,
        ["targets"] = new JsonArray([.. lora.TargetList.Select(n => (JsonNode?)n)]),
        ["base_weights"] = lora.Fp8BaseWeights ? "fp8" : "bf16",
    };

    public static JsonObject LayoutJson(TrainingEstimate e)
    {
        var l = e.Layout;
        var o = new JsonObject
        {
            ["tp"] = l.Tp, ["pp"] = l.Pp, ["vp"] = l.Vp, ["dp"] = l.Dp, ["cp"] = l.Cp, ["ep"] = l.Ep, ["etp"] = l.Etp,
            ["sp"] = l.Sp, ["zero"] = l.Zero, ["microbatch"] = l.MicroBatch, ["recompute"] = RecomputeNames.Format(l.Recompute),
        };
        if (l.OverlapExperts) o["ep_overlap"] = true;
        if (l.RecomputeLayers > 0 && l.Recompute == Recompute.Full) o["recompute_layers"] = l.RecomputeLayers;
        return o;
    }
}
