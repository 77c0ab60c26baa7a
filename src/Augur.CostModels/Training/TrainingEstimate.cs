using Augur.CostModels.Memory;
using Augur.Domain.Parallelism;

namespace Augur.CostModels.Training;

/// <summary>
/// Where one optimizer step's time goes on the critical path, seconds. Communication entries are the EXPOSED
/// part (what overlap did not hide).
/// </summary>
public readonly record struct StepBreakdown(
    double Compute,
    double Bubble,
    double TensorParallel,
    double ContextParallel,
    double ExpertParallel,
    double PipelineP2P,
    double DataParallel,
    double Optimizer)
{
    public double Total => Compute + Bubble + TensorParallel + ContextParallel + ExpertParallel + PipelineP2P + DataParallel + Optimizer;

    /// <summary>The parts in a fixed order with stable names (used by reports and JSON).</summary>
    public IEnumerable<(string Name, double Seconds)> Parts()
    {
        yield return ("compute", Compute);
        yield return ("pipeline_bubble", Bubble);
        yield return ("tp_comm", TensorParallel);
        yield return ("cp_comm", ContextParallel);
        yield return ("ep_comm", ExpertParallel);
        yield return ("pp_comm", PipelineP2P);
        yield return ("dp_comm", DataParallel);
        yield return ("optimizer", Optimizer);
    }
}

/// <summary>How the compute time splits by operator kind (whole step, critical path), seconds.</summary>
public readonly record struct ComputeSplit(double Gemm, double Attention, double Elementwise);

/// <summary>The cost of one training layout.</summary>
public readonly record struct TrainingEstimate(
    ParallelLayout Layout,
    double StepSeconds,
    StepBreakdown Breakdown,
    ComputeSplit ComputeSplit,
    MemoryBreakdown Memory,
    bool Fits,
    double TokensPerSecondPerGpu,
    double ModelFlopsPerGpuPerSecond,
    double Mfu,
    double Hfu,
    int MicroBatches)
{
    /// <summary>The largest part of the step: compute (GEMM/attention/memory-bound), bubble or one kind of communication.</summary>
    public string Bottleneck
    {
        get
        {
            string name = "compute";
            double best = -1;
            foreach (var (n, s) in Breakdown.Parts())
                if (s > best) { best = s; name = n; }
            if (name != "compute") return name;
            var c = ComputeSplit;
            return c.Elementwise > c.Gemm + c.Attention ? "compute (memory-bound kernels)" : "compute (GEMM-bound)";
        }
    }
}
