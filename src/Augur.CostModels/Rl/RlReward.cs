using Augur.CostModels.Inference;
using Augur.CostModels.Memory;
using Augur.Domain.Hardware;
using Augur.Domain.Workloads;
using Augur.Units;

namespace Augur.CostModels.Rl;

/// <summary>
/// A model verifier's reward model as the serving model sees it: every sample's prompt and response is one prompt of
/// the serving model's steady batched prefill (a scalar score needs no decode step).
/// </summary>
/// <param name="Model">The serving cost model of the reward model on the GPUs that score.</param>
/// <param name="Gpus">GPUs that score: the verifier's own, or the generator pool's.</param>
/// <param name="Work">What the busiest replica spends scoring its share of one generation round's samples (the verifier's share of them).</param>
/// <param name="PerSample">One sample's prefill alone (the last sample's score after generation ends).</param>
/// <param name="Memory">Per GPU while scoring a full prefill iteration.</param>
public sealed record RlReward(InferenceModel Model, InferenceLayout Layout, int Gpus, Seconds Work, Seconds PerSample, MemoryBreakdown Memory)
{
    public Bytes WeightsPerGpu => Model.WeightsPerGpu(Layout);

    /// <summary>
    /// The reward model of <paramref name="job"/>'s verifier on <paramref name="gpus"/> GPUs, its engine using
    /// <paramref name="memoryFraction"/> of HBM, or why it cannot score there.
    /// </summary>
    public static (RlReward? Reward, string? Problem) Of(Cluster cluster, Precision precision, RlJob job, double meanResponse, int gpus,
        double memoryFraction, HardwareCalibration cal)
    {
        var v = job.Verifier;
        var m = v.RewardModel ?? throw new ArgumentException("a model verifier without its model", nameof(job));
        if (gpus % v.Tp != 0)
            return (null, $"tp {v.Tp} does not divide the reward model's {gpus} GPUs; change verifier.tp or verifier.gpus");
        var layout = LayoutOf(v, gpus);
        if (layout.Validate(m, gpus) is { } bad) return (null, bad);
        var model = new InferenceModel(m, cluster with { Gpus = gpus }, JobOf(job, meanResponse, memoryFraction), precision, cal);
        long longest = (long)job.Prompt.Max + job.Response.Max;
        if (model.KvCapacityTokensPerAttentionGroup(layout) < longest)
            return (null, FormattableString.Invariant(
                $"the reward model {m.Name} at tp{v.Tp} has no room for one {longest}-token sample (weights {model.WeightsPerGpu(layout).GiB:0.0} GiB per GPU of {model.UsableMemoryPerGpu.GiB:0.0} GiB usable{(v.OnGenerators ? " beside the generators'" : "")}); raise verifier.tp{(v.OnGenerators ? ", give it GPUs of its own (gpus: N)" : "")} or use a smaller reward model"));
        double perPrompt = model.PrefillIteration(layout, out double prompts).Total.Value / prompts;
        double work = Math.Ceiling(job.Samples * v.Share / layout.Replicas) * perPrompt;
        return (new RlReward(model, layout, gpus, new(work), model.PrefillAlone(layout).Total, model.Memory(layout, (int)Math.Ceiling(prompts))), null);
    }

    /// <summary>Weights of the reward model on <paramref name="gpus"/> GPUs at the verifier's tp, whatever the memory left for its cache.</summary>
    public static Bytes Weights(Cluster cluster, Precision precision, RlJob job, double meanResponse, int gpus, HardwareCalibration cal)
    {
        var model = new InferenceModel(job.Verifier.RewardModel!, cluster with { Gpus = gpus }, JobOf(job, meanResponse, 1), precision, cal);
        return model.WeightsPerGpu(LayoutOf(job.Verifier, gpus));
    }

    /// <summary>Replicas of the verifier's tp filling its GPUs (experts spread over a replica's GPUs).</summary>
    static InferenceLayout LayoutOf(RlVerifier v, int gpus) =>
        new(v.Tp, 1, v.RewardModel!.Moe is null ? 1 : v.Tp, 1, Math.Max(1, gpus / v.Tp));

    /// <summary>
    /// The scoring as a serving job: prompt and mean response as one input, one output token. A reward model scores in
    /// forward passes, not through vLLM's request loop, so its iterations pay no scheduler host time per sequence (as a
    /// serving scenario naming no engine).
    /// </summary>
    static InferenceJob JobOf(RlJob job, double meanResponse, double memoryFraction) => new()
    {
        InputTokens = job.Prompt.Mean + (int)Math.Round(meanResponse), OutputTokens = 1, MemoryFraction = memoryFraction, ModeFixed = true,
        Limits = Domain.Frameworks.ServingLimits.Default with { HostPerSequence = Seconds.Zero },
    };
}
