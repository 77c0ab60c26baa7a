namespace Augur.Simulation.Serving;

/// <summary>
/// Request-level simulation of LLM serving: arrivals, routing, continuous batching with chunked prefill,
/// paged KV cache with recompute preemption, aggregated or disaggregated prefill/decode.
/// </summary>
/// <remarks>
/// Token accounting: prefill of a prompt ends with the first output token; each decode step then produces one
/// token and attends to input + tokens generated so far. In disaggregated mode the prefill replica computes the
/// first token and it reaches the user with the KV cache at a decode replica, so TTFT includes the transfer
/// (<see cref="IServingCostModel.KvTransferTime"/> of the prefill pool's model); a wait for decode KV blocks
/// falls into TPOT. A transferred request waits in its decode replica's queue until blocks for its KV are free
/// (the KV's stay on the prefill side meanwhile is not modelled).
/// </remarks>
public static class ServingSimulation
{
    /// <summary>Simulates serving <paramref name="requests"/> until all finish. Deterministic for equal inputs.</summary>
    /// <exception cref="ArgumentException">Bad options, a malformed request, or a request whose KV cannot fit a replica.</exception>
    /// <param name="progress">Told the number of finished requests as they finish (about every 1%).</param>
    /// <param name="finished">Told each request's outcome as it finishes, with its index in <paramref name="requests"/>;
    /// the result itself keeps only summaries, so its size does not grow with the request count.</param>
    public static ServingResult Run(ServingDeployment deployment, IReadOnlyList<Request> requests, SchedulerOptions options, IProgress<long>? progress = null,
        Action<int, RequestMetrics>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (requests.Count == 0) throw new ArgumentException("there are no requests to simulate", nameof(requests));
        return new ServingEngine(deployment, requests, options, finished).Run(progress);
    }
}
