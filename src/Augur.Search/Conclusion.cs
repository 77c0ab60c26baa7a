namespace Augur.Search;

/// <summary>What a conclusion of a search is about, so a front end can pick, order or style it.</summary>
public enum ConclusionKind
{
    /// <summary>Why the winner wins: its rate, its largest costs, its bottleneck.</summary>
    Winner,
    /// <summary>What the next-best layout loses on.</summary>
    RunnerUp,
    /// <summary>The winner leaves GPUs of the cluster unused (whole replicas only).</summary>
    UnusedGpus,
    /// <summary>How the objective ranks.</summary>
    Objective,
    /// <summary>Aggregated against disaggregated serving.</summary>
    ServingModes,
    /// <summary>The winner crosses the scale-up domain, or nothing fits inside it.</summary>
    ScaleUp,
    /// <summary>GPUs needed for a target rate.</summary>
    Sizing,
}

/// <summary>One plain-words finding of a search, typed by what it is about (as BenchmarkDotNet's analysers return conclusions).</summary>
public sealed record Conclusion(ConclusionKind Kind, string Message)
{
    public override string ToString() => Message;
}
