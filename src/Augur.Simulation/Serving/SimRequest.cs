namespace Augur.Simulation.Serving;

/// <summary>Mutable progress of one request inside one simulation run (never shared between runs).</summary>
internal sealed class SimRequest
{
    public SimRequest(int index, in Request request, double prefixHitRate = 0)
    {
        // At least one prompt token is computed: it produces the first output token.
        Prefilled = Math.Min(request.InputTokens - 1, (int)(request.InputTokens * prefixHitRate));
        Index = index;
        Id = request.Id;
        Arrival = request.Arrival.Value;
        Input = request.InputTokens;
        Output = request.OutputTokens;
        PromptTokens = request.InputTokens;
    }

    public readonly int Index;
    public readonly int Id;
    public readonly double Arrival;
    public readonly int Input;
    public readonly int Output;

    /// <summary>Tokens to prefill before the next output token: the input, or input + generated after a preemption (recompute).</summary>
    public int PromptTokens;

    /// <summary>Of <see cref="PromptTokens"/>, how many have their KV computed on the current replica.</summary>
    public int Prefilled;

    /// <summary>Output tokens produced so far (the first comes from the end of prefill).</summary>
    public int Generated;

    /// <summary>KV blocks held on the current replica.</summary>
    public int Blocks;

    /// <summary>Prefill tokens scheduled in the replica's in-flight iteration.</summary>
    public int Chunk;

    /// <summary>Whether the request decodes one token in the replica's in-flight iteration.</summary>
    public bool Decoding;

    /// <summary>Left its replica's running set (finished, or handed off to a decode replica).</summary>
    public bool Done;

    public double FirstToken = double.NaN;
    public double Finish = double.NaN;
    public int Preemptions;

    /// <summary>Context length after the next decode step: tokens whose KV will then be cached.</summary>
    public int Context => Input + Generated;

    public int PrefillLeft => PromptTokens - Prefilled;
}
