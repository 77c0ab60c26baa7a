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
        t.AddRow("time", Format.Seconds(p.Total), Format.Seconds(d.Total));
        t.AddRow(p.ExpertImbalance != 1 || d.ExpertImbalance != 1 ? "hardware TFLOP (busiest GPU)" : "hardware TFLOP", Format.N(p.Flops / 1e12, "0.###"), Format.N(d.Flops / 1e12, "0.###"));
        t.AddRow("weights read (GB)", Format.N(p.WeightBytes / 1e9, "0.##"), Format.N(d.WeightBytes / 1e9, "0.##"));
        t.AddRow("KV cache read (GB)", Format.N(p.KvBytes / 1e9, "0.##"), Format.N(d.KvBytes / 1e9, "0.##"));
        t.AddRow("compute (kernels)", Format.Seconds(p.Compute.Total.Value), Format.Seconds(d.Compute.Total.Value));
        t.AddRow("  at FLOP rate / at HBM rate", $"{Format.Seconds(p.FlopSeconds)} / {Format.Seconds(p.ByteSeconds)}", $"{Format.Seconds(d.FlopSeconds)} / {Format.Seconds(d.ByteSeconds)}");
        t.AddRow("TP all-reduce", Format.Seconds(p.TensorParallel), Format.Seconds(d.TensorParallel));
        t.AddRow("EP dispatch + combine", Format.Seconds(p.ExpertParallel), Format.Seconds(d.ExpertParallel));
        if (p.ExpertImbalance != 1 || d.ExpertImbalance != 1)
            t.AddRow("  busiest EP rank / mean load", Format.N(p.ExpertImbalance, "0.000"), Format.N(d.ExpertImbalance, "0.000"));
        t.AddRow("PP hops", Format.Seconds(p.PipelineP2P), Format.Seconds(d.PipelineP2P));
        t.AddRow("iteration overhead", Format.Seconds(p.Overhead), Format.Seconds(d.Overhead));
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
        ["time_s"] = JsonOut.Num(c.Total),
        ["flops"] = JsonOut.Num(c.Flops),
        ["weight_bytes_read"] = JsonOut.Num(c.WeightBytes),
        ["kv_bytes_read"] = JsonOut.Num(c.KvBytes),
        ["compute_s"] = JsonOut.Num(c.Compute.Total.Value),
        ["tp_comm_s"] = JsonOut.Num(c.TensorParallel),
        ["ep_comm_s"] = JsonOut.Num(c.ExpertParallel),
        ["expert_imbalance"] = JsonOut.Num(c.ExpertImbalance),
        ["pp_comm_s"] = JsonOut.Num(c.PipelineP2P),
        ["overhead_s"] = JsonOut.Num(c.Overhead),
        ["flop_bound_s"] = JsonOut.Num(c.FlopSeconds),
        ["byte_bound_s"] = JsonOut.Num(c.ByteSeconds),
        ["bound"] = c.Bound.Label(),
    };
}
