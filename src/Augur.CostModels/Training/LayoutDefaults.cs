using Augur.Domain;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.CostModels.Training;

/// <summary>Completes a partly specified training layout for <c>estimate</c>: unstated degrees are 1, DP fills the rest.</summary>
public static class LayoutDefaults
{
    public static ParallelLayout Complete(LayoutSpec s, int gpus)
    {
        int tp = s.Tp ?? 1, pp = s.Pp ?? 1, cp = s.Cp ?? 1;
        int inner = tp * pp * cp;
        int dp = s.Dp ?? (gpus % inner == 0 ? gpus / inner
            : throw new LayoutException($"tp×pp×cp = {inner} does not divide the {gpus} GPUs; change the degrees or the GPU count"));
        return new ParallelLayout(Tp: tp, Pp: pp, Vp: s.Vp ?? 1, Dp: dp, Cp: cp, Ep: s.Ep ?? 1, Etp: s.Etp ?? 1, Sp: s.Sp ?? tp > 1, Zero: s.Zero ?? 1,
            MicroBatch: s.MicroBatch ?? 1, Recompute: s.Recompute ?? Recompute.None) { OverlapExperts = s.OverlapExperts ?? false, RecomputeLayers = s.RecomputeLayers ?? 0 };
    }
}
