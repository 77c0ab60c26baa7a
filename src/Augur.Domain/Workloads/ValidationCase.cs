namespace Augur.Domain.Workloads;

/// <summary>How a publication counted the throughput it reports; the validator converts it to tokens/s/GPU.</summary>
public enum FlopConvention
{
    /// <summary>The value is already tokens (or output tokens) per second per GPU.</summary>
    Tokens,
    /// <summary>TFLOP/s per GPU using Augur's model FLOPs (causal attention, 3 passes).</summary>
    ModelFlops,
    /// <summary>
    /// Narayanan et al. SC'21 appendix, eq. (3): F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) per iteration — four
    /// passes (activation recomputation included) and non-causal attention.
    /// </summary>
    MegatronSc21,
    /// <summary>As <see cref="MegatronSc21"/> but three passes (no recomputation): 72·B·s·l·h²·(…); MFU-style.</summary>
    MegatronSc21Model,
    /// <summary>
    /// Megatron-LM's own count, the TFLOP/s its training log prints: num_floating_point_operations in
    /// megatron/training/training.py (GQA or MLA attention with a causal core, dense, routed and shared experts,
    /// multi-token prediction, logits; three passes, no recomputation).
    /// </summary>
    Megatron,
}

/// <summary>What kind of measurement a published figure is.</summary>
public enum MeasurementKind
{
    /// <summary>A run at the capacity its setup allows: what Augur predicts.</summary>
    Benchmark,
    /// <summary>An average over real traffic (a day of production), below capacity by design.</summary>
    ProductionAverage,
}

/// <summary>
/// How a case counts: out-of-sample (nothing fitted to it: the headline error and the evidence for error bands),
/// in-sample (the fit), or a production average (reported, outside the accuracy targets).
/// </summary>
public enum ValidationTier { OutOfSample, InSample, ProductionAverage }

public static class ValidationTiers
{
    /// <summary>The tier's stable name in tables, JSON and charts.</summary>
    public static string Key(this ValidationTier t) => t switch
    {
        ValidationTier.OutOfSample => "out-of-sample",
        ValidationTier.InSample => "in-sample",
        _ => "production-average",
    };
}

/// <summary>A published measurement and the scenario that reproduces its setup.</summary>
public sealed record ValidationCase
{
    public required string Id { get; init; }
    /// <summary>True when a parameter was fitted to this case or changed after its error was looked at (the fit, not evidence).</summary>
    public required bool InSample { get; init; }
    /// <summary>Which parameters and commits make the case in- or out-of-sample.</summary>
    public required string FitNotes { get; init; }
    public MeasurementKind Measurement { get; init; } = MeasurementKind.Benchmark;

    /// <summary>The tier the case is reported in: production averages apart, then in- or out-of-sample.</summary>
    public ValidationTier Tier =>
        Measurement == MeasurementKind.ProductionAverage ? ValidationTier.ProductionAverage
        : InSample ? ValidationTier.InSample : ValidationTier.OutOfSample;
    public required string Source { get; init; }

    /// <summary>
    /// The publication the figure comes from: a repository file's cases share their software, method and systematic
    /// offsets whatever the commit, so the source up to " @ " (repository and path), or up to ", read from" where that
    /// comes first. An MLPerf result is one submitter's code drop in one round ("MLPerf Training v6.0 closed, NVIDIA"):
    /// its systems run that submitter's one implementation of the benchmark, as a vendor's performance table's rows run
    /// one release.
    /// </summary>
    public string Publication => PublicationOf(Source);

    public static string PublicationOf(string source)
    {
        if (MlperfSubmitter(source) is { } submitter) return submitter;
        int end = source.Length;
        foreach (string marker in (string[])[" @ ", ", read from"])
            if (source.IndexOf(marker, StringComparison.Ordinal) is var at and >= 0) end = Math.Min(end, at);
        return source[..end];
    }

    /// <summary>"MLPerf Training v6.0 closed, NVIDIA" from an MLPerf source: the round, its division and the submitter.</summary>
    static string? MlperfSubmitter(string source)
    {
        if (!source.StartsWith("MLPerf ", StringComparison.Ordinal)) return null;
        int comma = source.IndexOf(", ", StringComparison.Ordinal);
        if (comma < 0) return null;
        int end = source.IndexOf(' ', comma + 2);
        return end < 0 ? source : source[..end];
    }

    public string Notes { get; init; } = "";
    public required Scenario Scenario { get; init; }
    /// <summary>What was measured: tflops_per_gpu, tokens_per_s_per_gpu, mfu, output_tokens_per_s_per_gpu, input_tokens_per_s_per_gpu.</summary>
    public required string Metric { get; init; }
    public required FlopConvention Convention { get; init; }
    public required double Measured { get; init; }

    /// <summary>
    /// RL cases whose source times the step's phases: published seconds per phase, keyed by
    /// <see cref="RlPublishedPhases.Names"/>; empty when only the whole step is published.
    /// </summary>
    public IReadOnlyDictionary<string, double> MeasuredPhases { get; init; } = new Dictionary<string, double>();
}

/// <summary>The phases an RL publication times on its own (NeMo-RL's step timers), as a case's measured.phases names them.</summary>
public static class RlPublishedPhases
{
    public static readonly string[] Names = ["generation", "log_probs", "training", "refit"];
}
