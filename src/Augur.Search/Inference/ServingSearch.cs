using System.Globalization;
using Augur.CostModels.Compute;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>The enumeration and batch sweep behind <see cref="InferencePlanner"/>; keeps counts and the feasible points.</summary>
sealed class ServingSearch(Scenario s, HardwareCalibration calibration)
{
    readonly InferenceJob _job = s.Inference!;
    readonly Dictionary<(ServingMode, int?), InferenceModel> _models = [];
    readonly Comparer<ServingPoint> _order = Ranking.For(s.Objective);
    double _leastWeightsGiB = double.MaxValue;
    ServingPoint? _fastest;

    public long Enumerated, Pruned, Evaluated;
    public int Fitting;
    public List<ServingPoint> Feasible { get; } = [];
    public Dictionary<(InferenceLayout, ServingMode), ServingPoint> BestPerLayout { get; } = [];

    ServingMode[] Modes => _job.ModeFixed ? [_job.Mode] : [ServingMode.Aggregated, ServingMode.Disaggregated];

    InferenceModel Model(ServingMode mode, int? batch)
    {
        if (!_models.TryGetValue((mode, batch), out var m))
            _models[(mode, batch)] = m = new InferenceModel(s.Model, s.Cluster, _job with { Mode = mode, Concurrency = batch }, s.Precision, calibration);
        return m;
    }

    public void Run(int maxTp, int minTp = 1)
    {
        var capacity = Model(ServingMode.Aggregated, null);
        foreach (var l in InferenceSearchSpace.Enumerate(s.Model, s.Cluster.Gpus, maxTp, s.Layout))
        {
            if (l.Tp < minTp) continue;
            int maxConc = capacity.MaxConcurrency(l);
            _leastWeightsGiB = Math.Min(_leastWeightsGiB, capacity.WeightsPerGpu(l).GiB);
            foreach (var mode in Modes)
            {
                if (!Deployable(l, mode)) continue;
                Enumerated++;
                if (maxConc < 1) { Pruned++; continue; }
                Fitting++;
                Sweep(l, mode, Math.Min(maxConc, capacity.EngineBatchCap(l)));
            }
        }
    }

    /// <summary>
    /// The deployment rules <see cref="InferenceLayout.ValidatePools"/> checks for estimate and simulate (pools within
    /// the cluster, a replica for each), and, since the search compares whole deployments, pools of whole replicas.
    /// </summary>
    bool Deployable(in InferenceLayout l, ServingMode mode)
    {
        if (l.ValidatePools(Model(mode, null).Job, s.Cluster.Gpus) is not null) return false;
        int g = l.GpusPerReplica;
        return mode == ServingMode.Aggregated || _job.PrefillGpus is not { } p || (p % g == 0 && _job.DecodeGpus!.Value % g == 0);
    }

    void Sweep(in InferenceLayout l, ServingMode mode, int cap)
    {
        IEnumerable<int?> batches = _job.Concurrency is { } c ? [c] : InferencePlanner.BatchGrid(cap).Select(b => (int?)b);
        if (_job.Concurrency is null && (_job.TtftLimit is not null || _job.TpotLimit is not null))
            batches = batches.Append(null); // the estimator's own best batch under the limits (5% steps)
        foreach (int? b in batches)
        {
            var e = Model(mode, b).Estimate(l, s.Run);
            Evaluated++;
            if (!e.Fits) continue;
            var point = new ServingPoint(e, mode);
            if (_fastest is null || point.TokensPerSecondPerUser > _fastest.TokensPerSecondPerUser) _fastest = point;
            if (_job.TpotLimit is { } tpot && e.BoundedTpot.Value > tpot * (1 + 1e-9)) continue;
            if (_job.TtftLimit is { } ttft && e.BoundedTtft.Value > ttft * (1 + 1e-9)) continue;
            Feasible.Add(point);
            var key = (l, mode);
            if (!BestPerLayout.TryGetValue(key, out var best) || _order.Compare(point, best) < 0) BestPerLayout[key] = point;
        }
    }

    /// <summary>One actionable line when nothing fits or nothing meets the latency limits.</summary>
    public void ThrowIfNothingServes()
    {
        var acc = s.Cluster.Accelerator;
        string where = $"{s.Cluster.Gpus} × {acc.Id}";
        if (Enumerated == 0)
        {
            var f = s.Layout;
            var probe = new InferenceLayout(f.Tp ?? 1, f.Pp ?? 1, f.Ep ?? 1, f.DpAttention ?? 1, f.Dp ?? 1);
            string reason = probe.Validate(s.Model, s.Cluster.Gpus) ?? "disaggregated serving needs at least two replicas (or prefill_gpus and decode_gpus in whole replicas)";
            throw new InputException($"no serving layout of {s.Model.Name} on {where} matches the scenario: {reason}");
        }
        if (Fitting == 0)
        {
            double usable = Model(ServingMode.Aggregated, null).UsableMemoryPerGpu.GiB;
            string kv = _job.KvPrecision.BytesPerElement() > 1 ? ", kv_precision: fp8" : "";
            string weights = s.Precision.BytesPerElement() > 1 ? ", precision: fp8" : "";
            throw new InputException(
                $"no layout of {s.Model.Name} fits on {where}: the least weights per GPU are {F(_leastWeightsGiB)} GiB of {F(usable)} GiB usable, leaving no KV cache for one {F(Model(ServingMode.Aggregated, null).ReservedTokensPerSequence)}-token reservation{(_job.OutputTokensCv > 0 ? " (input + (1 + cv²)·output: with varied outputs the running sequences are the long ones; a lower output_tokens_cv needs less)" : "")}; add GPUs{weights}{kv} or a larger-memory accelerator");
        }
        if (Feasible.Count == 0)
        {
            string limits = string.Join(" and ", new[] { _job.TpotLimit is { } p ? $"tpot_ms {F(p * 1000)}" : null, _job.TtftLimit is { } t ? $"ttft_ms {F(t * 1000)}" : null }.OfType<string>());
            if (limits.Length == 0)
                throw new InputException($"no layout of {s.Model.Name} on {where} holds {_job.Concurrency} sequences per replica in memory; lower inference.concurrency or leave it out to let the plan choose");
            string best = _fastest is { } b ? $"; the fastest point ({Describe(b)}, batch {b.Batch}) has TPOT {F(b.Estimate.Tpot.Value * 1000)} ms and TTFT {F(b.Estimate.Ttft.Value * 1000)} ms" : "";
            throw new InputException($"no layout of {s.Model.Name} on {where} meets {limits}{best}; relax the limits, add GPUs or use a faster accelerator");
        }
    }

    public static string Describe(ServingPoint p)
    {
        var l = p.Layout;
        string moe = l.Ep > 1 || l.DpAttention > 1 ? $" ep{l.Ep} dp_attention{l.DpAttention}" : "";
        return $"tp{l.Tp} pp{l.Pp}{moe} × {l.Replicas} {(p.Mode == ServingMode.Disaggregated ? "disaggregated" : "aggregated")}";
    }

    static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
