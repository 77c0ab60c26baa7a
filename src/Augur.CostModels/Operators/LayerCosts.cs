namespace Augur.CostModels.Operators;

/// <summary>
/// What a <see cref="StagePass"/> costs per layer, for its layer shape: a dense and an MoE layer forward, fused attention's
/// backward factor, one TP collective and the LM head. Every pass of the same shape shares them, whatever its layer
/// counts, recomputation and place in the pipeline, so a search reuses them across the layouts that differ only
/// there (<see cref="PassComposer.Compose(in StagePass, ref LayerCosts)"/>). <c>default</c> holds nothing.
/// </summary>
public readonly struct LayerCosts
{
    internal LayerShape Shape { get; init; }
    internal double LogitTokens { get; init; }
    internal bool HasDense { get; init; }
    internal bool HasMoe { get; init; }
    internal bool HasBackward { get; init; }
    internal LayerTime Dense { get; init; }
    internal LayerTime Moe { get; init; }
    internal double AttentionBackward { get; init; }
    internal double TpCollective { get; init; }
    /// <summary>TP collectives one layer runs per direction (<see cref="PassComposer"/>'s count for the shape).</summary>
    internal double TpCollectivesPerLayer { get; init; }
    internal LayerTime Head { get; init; }
    /// <summary>LoRA's adapter GEMMs of one layer forward (0 without LoRA).</summary>
    internal double Adapters { get; init; }
    /// <summary>The remat policy <see cref="RematDense"/> and <see cref="RematMoe"/> rerun, when the pass has a backward under one.</summary>
    internal Augur.Domain.Workloads.RematPolicy? Remat { get; init; }
    /// <summary>What the remat policy reruns per dense and per MoE layer in the backward (<see cref="LayerCost.Rematerialized"/>).</summary>
    internal LayerTime RematDense { get; init; }
    internal LayerTime RematMoe { get; init; }

    /// <summary>True when these are the costs of <paramref name="p"/>'s shape and hold every kind of layer it runs.</summary>
    internal bool Serve(in StagePass p) =>
        (HasDense || p.DenseLayers <= 0) && (HasMoe || p.MoeLayers <= 0) && (HasBackward || !p.Backward)
        && (!p.Backward || p.Remat is null || ReferenceEquals(Remat, p.Remat))
        && LogitTokens.Equals(p.LogitTokens) && Shape.Equals(p.Shape);
}
