using System.Globalization;
using Augur.CostModels;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>Plain-words reasons for a serving plan's winner.</summary>
static class PlanExplanation
{
    public static List<Conclusion> Why(Scenario s, IReadOnlyList<ServingPoint> ranked, IEnumerable<ServingPoint> bestPerLayout,
        Comparer<ServingPoint> order, bool crossedScaleUp, GpuSizing? sizing)
    {
        var all = bestPerLayout.ToList();
        var w = ranked[0];
        var e = w.Estimate;
        var why = new List<Conclusion>
        {
            new(ConclusionKind.Winner, $"{ServingSearch.Describe(w)} wins at batch {w.Batch} per replica: {F(w.TokensPerSecondPerGpu, "0")} output tok/s per GPU at "
            + $"{F(w.TokensPerSecondPerUser, "0.#")} tok/s per user (TPOT {F(e.Tpot.Value * 1e3, "0.#")} ms, TTFT {F(e.Ttft.Value * 1e3, "0")} ms); "
            + $"decode is {e.DecodeBound.Label()}-bound; weights {F(e.MemoryPerGpu.Weights.GiB, "0.#")} GiB per GPU leave KV for {e.MaxConcurrency} sequences per replica."),
        };
        if (w.GpusUsed < s.Cluster.Gpus)
        {
            var full = all.Where(p => p.GpusUsed == s.Cluster.Gpus).OrderBy(p => p, order).FirstOrDefault();
            why.Add(new(ConclusionKind.UnusedGpus, $"the winner uses {w.GpusUsed} of the {s.Cluster.Gpus} GPUs (whole replicas only; rates are per GPU in use, {F(w.Estimate.OutputTokensPerSecondTotal, "0")} tok/s in all)"
                    + (full is null ? "." : $"; the best layout using all of them, {ServingSearch.Describe(full)} (batch {full.Batch}), reaches {F(full.TokensPerSecondPerGpu, "0")} tok/s per GPU, {F(full.Estimate.OutputTokensPerSecondTotal, "0")} in all.")));
        }
        if (ranked.FirstOrDefault(p => p.Layout != w.Layout) is { } r) why.Add(new(ConclusionKind.RunnerUp, Versus(w, r, "runner-up layout")));
        if (Objective(s) is { } note) why.Add(new(ConclusionKind.Objective, note));
        if (s.Inference is { TpotLimit: null } && s.Objective != Domain.Workloads.Objective.Latency)
            why.Add(new(ConclusionKind.Objective, $"no TPOT limit is set, so the batch is the one with the most tokens/s per GPU and each user gets {F(w.TokensPerSecondPerUser, "0.#")} tokens/s; set inference.tpot_ms for a faster per-user rate."));

        var modes = all.GroupBy(p => p.Mode).Select(g => g.OrderBy(p => p, order).First()).ToList();
        if (modes.Count == 2 && modes.First(p => p.Mode == ServingMode.Disaggregated) is { Estimate.Disaggregated: { } d } dis)
        {
            var agg = modes.First(p => p.Mode == ServingMode.Aggregated);
            why.Add(new(ConclusionKind.ServingModes, $"best aggregated {ServingSearch.Describe(agg)} (batch {agg.Batch}): {F(agg.TokensPerSecondPerGpu, "0")} tok/s per GPU at {F(agg.TokensPerSecondPerUser, "0.#")} tok/s per user; "
                    + $"best disaggregated {ServingSearch.Describe(dis)} with prefill:decode = {d.PrefillGpus}:{d.DecodeGpus} GPUs (batch {dis.Batch}, limited by {d.Limiter}): "
                    + $"{F(dis.TokensPerSecondPerGpu, "0")} tok/s per GPU at {F(dis.TokensPerSecondPerUser, "0.#")} tok/s per user."));
        }
        else if (!(s.Inference?.ModeFixed ?? true) && modes.Count == 1)
            why.Add(new(ConclusionKind.ServingModes, $"no {(modes[0].Mode == ServingMode.Aggregated ? "disaggregated" : "aggregated")} point is feasible (disaggregated serving needs at least two replicas)."));

        int domain = s.Cluster.ScaleUpDomain;
        if (crossedScaleUp)
            why.Add(new(ConclusionKind.ScaleUp, $"no layout fits with tp ≤ {domain} (the scale-up domain), so tp was allowed to cross it; its all-reduces run on the scale-out network."));
        else if (w.Layout.GpusPerReplica > domain)
        {
            var inside = all.Where(p => p.Layout.GpusPerReplica <= domain).OrderBy(p => p, order).FirstOrDefault();
            why.Add(new(ConclusionKind.ScaleUp, $"a replica of the winner spans {w.Layout.GpusPerReplica} GPUs, beyond one {domain}-GPU scale-up domain"
                    + (inside is null ? "; no searched layout inside one domain is feasible."
                        : $"; the best inside one domain, {ServingSearch.Describe(inside)} (batch {inside.Batch}), reaches {F(inside.TokensPerSecondPerGpu, "0")} tok/s per GPU ({Pct(inside.TokensPerSecondPerGpu / w.TokensPerSecondPerGpu - 1)}).")));
        }
        if (sizing is { } z)
            why.Add(new(ConclusionKind.Sizing, $"to serve {F(z.TargetOutputTokensPerSecond, "0")} output tok/s at {F(w.TokensPerSecondPerUser, "0.#")} tok/s per user you need {z.Gpus} GPUs "
                    + $"({z.Units} × {z.GpusPerUnit}-GPU {(w.Mode == ServingMode.Disaggregated ? "prefill+decode groups" : "replicas")}, about {z.ConcurrentStreams} concurrent streams)."));
        return why;
    }

    /// <summary>What the winner gains over another layout: memory for KV, batch, and per-user speed.</summary>
    static string Versus(ServingPoint w, ServingPoint r, string label)
    {
        var we = w.Estimate;
        var re = r.Estimate;
        string head = $"{label} {ServingSearch.Describe(r)} (batch {r.Batch}) reaches {F(r.TokensPerSecondPerGpu, "0")} tok/s per GPU ({Pct(r.TokensPerSecondPerGpu / w.TokensPerSecondPerGpu - 1)}) at {F(r.TokensPerSecondPerUser, "0.#")} tok/s per user";
        double ww = we.MemoryPerGpu.Weights.GiB, rw = re.MemoryPerGpu.Weights.GiB;
        if (Math.Abs(ww - rw) > 0.05 * Math.Max(ww, rw))
            return head + $": weights take {F(rw, "0.#")} vs {F(ww, "0.#")} GiB per GPU, so its KV cache holds {re.MaxConcurrency} vs {we.MaxConcurrency} sequences per replica.";
        return head + $": same weights per GPU; its decode step is {F(re.DecodeStep.Total.Value * 1e3, "0.##")} vs {F(we.DecodeStep.Total.Value * 1e3, "0.##")} ms ({re.DecodeBound.Label()}-bound).";
    }

    static string? Objective(Scenario s) => s.Objective switch
    {
        Domain.Workloads.Objective.CostPerToken or Domain.Workloads.Objective.Cost =>
            $"cost per token ranks exactly as tokens/s per GPU on one GPU type: $ per million output tokens = ${F(s.Run.UsdPerGpuHour, "0.##")} per GPU-hour / (3600 × tok/s per GPU) × 10^6.",
        Domain.Workloads.Objective.Latency => "objective latency: ranked by tokens/s per user (1 / TPOT), ties by tokens/s per GPU.",
        _ => null,
    };

    static string F(double v, string fmt) => double.IsFinite(v) ? v.ToString(fmt, CultureInfo.InvariantCulture) : "unbounded";
    static string Pct(double v) => (v >= 0 ? "+" : "") + (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
