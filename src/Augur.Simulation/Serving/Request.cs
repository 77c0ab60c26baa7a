using Augur.Units;

namespace Augur.Simulation.Serving;

/// <summary>One inference request offered to the serving simulator.</summary>
/// <param name="Id">Caller's identifier; results are reported per id, in the order the requests were given.</param>
/// <param name="Arrival">When the request reaches the router, from the start of the simulation.</param>
/// <param name="InputTokens">Prompt length (at least 1).</param>
/// <param name="OutputTokens">Tokens to generate, including the first one produced by prefill (at least 1).</param>
public readonly record struct Request(int Id, Seconds Arrival, int InputTokens, int OutputTokens);
