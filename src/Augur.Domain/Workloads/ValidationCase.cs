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
}

/// <summary>A published measurement and the scenario that reproduces its setup.</summary>
public sealed record ValidationCase
{
    public required string Id { get; init; }
    /// <summary>
    /// core (the accuracy target), supplementary (more published runs of calibrated hardware, beyond the target set;
    /// reported apart so the target stays comparable), or holdout (hardware no calibration was fitted on; reported apart).
    /// </summary>
    public required string Tier { get; init; }

    public bool IsHoldout => Tier == "holdout";
    public bool IsSupplementary => Tier == "supplementary";
    public required string Source { get; init; }
    public string Notes { get; init; } = "";
    public required Scenario Scenario { get; init; }
    /// <summary>What was measured: tflops_per_gpu, tokens_per_s_per_gpu, mfu, output_tokens_per_s_per_gpu, input_tokens_per_s_per_gpu.</summary>
    public required string Metric { get; init; }
    public required FlopConvention Convention { get; init; }
    public required double Measured { get; init; }
}
