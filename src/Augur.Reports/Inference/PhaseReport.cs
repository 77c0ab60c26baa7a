using System.Text.Json.Nodes;
using Augur.CostModels.Inference;
using Augur.CostModels;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Spectre.Console;

namespace Augur.Reports.Inference;

/// <summary>Where the time of one prefill iteration and one decode step goes, per GPU.</summary>
public static class PhaseReport
{
    public static Table Table(InferenceEstimate e)
    {
        var p = e.PrefillIteration;
        var d = e.DecodeStep;
        var t = Render.Table("per GPU", "prefill iteration", $"decode step (batch {e.Concurrency})");
        t.AddRow("time", Format.Seconds(p.Total.Value), Format.Seconds(d.Total.Value));
        t.AddRow(p.ExpertImbalance != 1 || d.ExpertImbalance != 1 ? "hardware TFLOP (busiest GPU)" : "hardware TFLOP", Format.N(p.HardwareFlops.Value / 1e12, "0.###"), Format.N(d.HardwareFlops.Value / 1e12, "0.###"));
        t.AddRow("weights read (GB)", Format.N(p.WeightBytes.GB, "0.##"), Format.N(d.WeightBytes.GB, "0.##"));
        t.AddRow("KV cache read (GB)", Format.N(p.KvBytes.GB, "0.##"), Format.N(d.KvBytes.GB, "0.##"));
        t.AddRow("compute (kernels)", Format.Seconds(p.Compute.Total.Value), Format.Seconds(d.Compute.Total.Value));
        t.AddRow("  at FLOP rate / at HBM rate", $"{Format.Seconds(p.FlopBound.Value)} / {Format.Seconds(p.ByteBound.Value)}", $"{Format.Seconds(d.FlopBound.Value)} / {Format.Seconds(d.ByteBound.Value)}");
        t.AddRow("TP all-reduce", Format.Seconds(p.TensorParallel.Value), Format.Seconds(d.TensorParallel.Value));
        t.AddRow("EP dispatch + combine", Format.Seconds(p.ExpertParallel.Value), Format.Seconds(d.ExpertParallel.Value));
        if (p.ExpertImbalance != 1 || d.ExpertImbalance != 1)
            t.AddRow("  busiest EP rank / mean load", Format.N(p.ExpertImbalance, "0.000"), Format.N(d.ExpertImbalance, "0.000"));
        t.AddRow("PP hops", Format.Seconds(p.PipelineP2P.Value), Format.Seconds(d.PipelineP2P.Value));
        t.AddRow("iteration overhead", Format.Seconds(p.Overhead.Value), Format.Seconds(d.Overhead.Value));
        t.AddRow("bound", p.Bound.Label(), d.Bound.Label());
        return t;
    }

    public static JsonObject Json(InferenceEstimate e) => new()
    {
        ["prefill_iteration"] = Phase(e.PrefillIteration),
        ["decode_step"] = Phase(e.DecodeStep),
    };

    static JsonObject Phase(in IterationCost c) => new()
    {
        ["time_s"] = JsonOut.Num(c.Total.Value),
        ["flops"] = JsonOut.Num(c.HardwareFlops.Value),
        ["weight_bytes_read"] = JsonOut.Num(c.WeightBytes.Value),
        ["kv_bytes_read"] = JsonOut.Num(c.KvBytes.Value),
        ["compute_s"] = JsonOut.Num(c.Compute.Total.Value),
        ["tp_comm_s"] = JsonOut.Num(c.TensorParallel.Value),
        ["ep_comm_s"] = JsonOut.Num(c.ExpertParallel.Value),
        ["expert_imbalance"] = JsonOut.Num(c.ExpertImbalance),
        ["pp_comm_s"] = JsonOut.Num(c.PipelineP2P.Value),
        ["overhead_s"] = JsonOut.Num(c.Overhead.Value),
        ["flop_bound_s"] = JsonOut.Num(c.FlopBound.Value),
        ["byte_bound_s"] = JsonOut.Num(c.ByteBound.Value),
        ["bound"] = c.Bound.Label(),
    };
}
