namespace Augur.Simulation.Serving;

/// <summary>One model replica's scheduler state during a run: its waiting queue, running set and KV blocks.</summary>
internal sealed class Replica
{
    public Replica(int index, IServingCostModel costModel, bool prefillOnly, int blockSizeTokens)
    {
        Index = index;
        CostModel = costModel;
        PrefillOnly = prefillOnly;
        long blocks = costModel.KvCapacityTokens / blockSizeTokens;
        TotalBlocks = (int)Math.Clamp(blocks, 0, int.MaxValue);
        FreeBlocks = TotalBlocks;
    }

    /// <summary>Index among all replicas of the deployment (decode pool after the first pool).</summary>
    public readonly int Index;
    public readonly IServingCostModel CostModel;

    /// <summary>A disaggregated prefill replica: hands each request off once its prompt is prefilled.</summary>
    public readonly bool PrefillOnly;
    public readonly int TotalBlocks;
    public int FreeBlocks;

    /// <summary>Admitted requests in admission order (oldest first); the last one is the preemption victim.</summary>
    public readonly List<SimRequest> Running = new();
    public readonly RequestDeque Waiting = new();

    /// <summary>An iteration is in flight or a wake-up is queued.</summary>
    public bool Busy;

    /// <summary>The replica's latest decode-only run ahead of the event queue (buffers kept between runs).</summary>
    public DecodeRun? Ahead;

    /// <summary>Sum of <see cref="RemainingWork"/> over the requests routed here and not yet gone.</summary>
    public long OutstandingWork;

    /// <summary>Tokens this replica still has to compute for the request (see <see cref="RoutingPolicy.LeastOutstandingWork"/>).</summary>
    public long RemainingWork(SimRequest request) =>
        request.Done ? 0 : request.PrefillLeft + (PrefillOnly ? 0 : (long)(request.Output - request.Generated));
}
