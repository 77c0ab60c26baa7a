namespace Augur.Domain.Workloads;

/// <summary>How the sites of a multi-site run share their gradients.</summary>
public enum CrossSiteMethod
{
    /// <summary>Every step: reduce-scatter inside each site, all-reduce of the shards across sites, all-gather inside (hierarchical all-reduce).</summary>
    Synchronous,
    /// <summary>Each site takes H inner steps alone, then the sites average their pseudo-gradients (DiLoCo, arXiv 2311.08105).</summary>
    DiLoCo,
}

/// <summary>
/// Data parallelism across sites. DiLoCo's knobs follow Streaming DiLoCo (arXiv 2501.18512): the model is split into
/// <see cref="Fragments"/> fragments, each exchanged once every <see cref="InnerSteps"/> steps, staggered so one
/// fragment travels every H/P steps; each exchange may run on for <see cref="OverlapSteps"/> further inner steps (τ),
/// and its values travel in <see cref="OuterBits"/> bits (16 = bf16; 8 and 4 quantized).
/// </summary>
public sealed record CrossSiteTraining
{
    public static readonly CrossSiteTraining Synchronous = new();

    public CrossSiteMethod Method { get; init; } = CrossSiteMethod.Synchronous;
    /// <summary>H: inner steps between two exchanges of the same fragment (1 for synchronous).</summary>
    public int InnerSteps { get; init; } = 1;
    public int OuterBits { get; init; } = 16;
    public int Fragments { get; init; } = 1;
    public int OverlapSteps { get; init; }
}
