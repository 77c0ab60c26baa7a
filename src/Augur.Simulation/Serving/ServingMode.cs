namespace Augur.Simulation.Serving;

/// <summary>How prefill and decode are placed on replicas.</summary>
public enum ServingMode
{
    /// <summary>Every replica does both prefill and decode (continuous batching with chunked prefill).</summary>
    Aggregated,

    /// <summary>A prefill pool produces each prompt's KV cache and first token; a decode pool generates the rest.</summary>
    Disaggregated,
}
