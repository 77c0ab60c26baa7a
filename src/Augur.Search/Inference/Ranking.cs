using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Search.Inference;

/// <summary>
/// Orders serving points by an objective, best first. Throughput and cost per token order identically at one GPU
/// type ($ per million tokens = price / (3600 × tokens/s per GPU) × 10⁶); latency puts tokens/s per user first.
/// Ties go to the other axis, then to the smaller replica.
/// </summary>
static class Ranking
{
    public static Comparer<ServingPoint> For(Objective objective) => objective switch
    {
        Objective.Throughput or Objective.CostPerToken or Objective.Cost => Comparer<ServingPoint>.Create((a, b) => Compare(a, b, perUserFirst: false)),
        Objective.Latency => Comparer<ServingPoint>.Create((a, b) => Compare(a, b, perUserFirst: true)),
        _ => throw new InputException($"objective step_time is for training; an inference plan ranks by throughput, cost_per_token or latency"),
    };

    static int Compare(ServingPoint a, ServingPoint b, bool perUserFirst)
    {
        double a1 = perUserFirst ? a.TokensPerSecondPerUser : a.TokensPerSecondPerGpu, b1 = perUserFirst ? b.TokensPerSecondPerUser : b.TokensPerSecondPerGpu;
        double a2 = perUserFirst ? a.TokensPerSecondPerGpu : a.TokensPerSecondPerUser, b2 = perUserFirst ? b.TokensPerSecondPerGpu : b.TokensPerSecondPerUser;
        if (Math.Abs(a1 - b1) > 1e-9 * Math.Max(a1, b1)) return b1.CompareTo(a1);
        if (Math.Abs(a2 - b2) > 1e-9 * Math.Max(a2, b2)) return b2.CompareTo(a2);
        return a.Layout.GpusPerReplica.CompareTo(b.Layout.GpusPerReplica);
    }
}
