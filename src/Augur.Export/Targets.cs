using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Export;

/// <summary>A training layout ready to write: the scenario, its complete layout and the steps its budget takes (null without a budget).</summary>
sealed record TrainingTarget(Scenario Scenario, ParallelLayout Layout, long? Steps)
{
    public TrainingJob Job => Scenario.Training!;
    public int Gpus => Scenario.Cluster.Gpus;
    public bool Moe => Scenario.Model.IsMoe;
}

/// <summary>A serving deployment ready to write: the scenario as costed (plan's winner fixes mode and batch) and its estimate.</summary>
/// <param name="Repository">The Hugging Face repository the catalog cites for the model; null when it cites none.</param>
sealed record ServingTarget(Scenario Scenario, InferenceEstimate Estimate, string? Repository)
{
    public InferenceJob Job => Scenario.Inference!;
    public InferenceLayout Layout => Estimate.Layout;
    public bool Moe => Scenario.Model.IsMoe;
    public bool Disaggregated => Job.Mode == ServingMode.Disaggregated;

    /// <summary>Longest sequence an engine must hold: the prompt plus the output.</summary>
    public int MaxModelLength => Job.InputTokens + Job.OutputTokens;
}

/// <summary>What a mapper writes: notes for the user and the processes to start.</summary>
sealed record Mapped(IReadOnlyList<string> Notes, IReadOnlyList<Launch> Launches);

/// <summary>One-line refusals: a framework that cannot express a setting says which, and why, instead of dropping it.</summary>
static class Refuse
{
    public static InputException Setting(FrameworkSpec f, string setting, string why) => new($"{f.Name} cannot express {setting}: {why}");
}

/// <summary>Choices several training mappers share.</summary>
static class TrainingTerms
{
    /// <summary>
    /// FP8 with one scale per 32-value block (MXFP8) runs on Blackwell-class tensor cores (Megatron's fp8_recipe
    /// docstring: "'mxfp8' for Blackwell architecture only"); earlier parts take per-block scales in software.
    /// </summary>
    public static bool Mxfp8(Accelerator a) => a.Family is "nvidia-blackwell" or "nvidia-rubin";

    /// <summary>
    /// MaxText's own settings have no counterpart in a PyTorch framework: its remat policy names JAX tensors (recompute
    /// is set by modules there), its capacity-bound experts dispatch by einsum, and its loss tiles the logits.
    /// </summary>
    public static void RefuseMaxTextOnly(FrameworkSpec f, TrainingJob job)
    {
        if (job.Remat is not null)
            throw Refuse.Setting(f, "training.remat", "it is MaxText's remat policy, naming JAX tensors; set parallelism.recompute instead");
        if (job.ExpertCapacityFactor is not null)
            throw Refuse.Setting(f, "training.capacity_factor", "it is MaxText's einsum dispatch into fixed expert slots; remove it for a dropless dispatcher");
        if (job.LogitChunks > 1)
            throw Refuse.Setting(f, "training.vocab_tiling", "it is MaxText's chunked loss (num_vocab_tiling); remove it");
    }

    /// <summary>bf16 parameters with no fp32 master (training.optimizer_precision: bf16) is not a setting Augur writes.</summary>
    public static void RefuseBf16Optimizer(FrameworkSpec f, TrainingJob job)
    {
        if (job.OptimizerPrecision is not null)
            throw Refuse.Setting(f, "training.optimizer_precision=bf16", "Augur writes fp32 master weights and moments only; remove it");
    }

    /// <summary>Megatron's dispatchers other than alltoall (training.dispatcher) are settings Augur writes only for Megatron.</summary>
    public static void RefuseDispatcher(FrameworkSpec f, TrainingJob job)
    {
        if (job.Dispatcher != ExpertDispatcher.AllToAll)
            throw Refuse.Setting(f, $"training.dispatcher={job.Dispatcher.Label()}", "Augur writes Megatron's other dispatchers only for Megatron; remove it to export the plain all-to-all");
    }

    /// <summary>
    /// torch FSDP1's BACKWARD_POST prefetch (training.backward_prefetch: post) has no counterpart in these frameworks: FSDP2,
    /// Megatron and XLA gather the backward's weights ahead of need.
    /// </summary>
    public static void RefuseGatherAfterBackward(FrameworkSpec f, TrainingJob job)
    {
        if (job.GatherAfterBackward)
            throw Refuse.Setting(f, "training.backward_prefetch=post", "it gathers the backward's weights ahead of need; remove it");
    }

    /// <summary>
    /// LoRA (training.lora) is fine-tuning through a PEFT wrapper (Megatron-Bridge's or NeMo's peft config, torchtune, HF
    /// PEFT): none of the pretraining launchers Augur writes has a setting for it, so it is refused rather than dropped.
    /// </summary>
    public static void RefuseLora(FrameworkSpec f, TrainingJob job)
    {
        if (job.Lora is not null)
            throw Refuse.Setting(f, "training.lora", "its pretraining entry point trains every weight; set LoRA in a fine-tuning recipe (Megatron-Bridge's or NeMo's peft: lora) and export the layout without training.lora");
    }

    /// <summary>Full recomputation of only some layers (parallelism.recompute_layers) is Megatron's block method; others recompute all or by policy.</summary>
    public static void RefuseRecomputeLayers(FrameworkSpec f, in ParallelLayout l)
    {
        if (l.Recompute == Recompute.Full && l.RecomputeLayers > 0)
            throw Refuse.Setting(f, $"recompute_layers={l.RecomputeLayers}", "it recomputes every layer or by a policy, not the first N of each chunk; remove recompute_layers");
    }

    /// <summary>The optimizer on the host (training.optimizer_offload) is a setting Augur writes only for Megatron.</summary>
    public static void RefuseOptimizerOffload(FrameworkSpec f, TrainingJob job)
    {
        if (job.OptimizerOffload > 0)
            throw Refuse.Setting(f, "training.optimizer_offload", "Augur writes the host optimizer only for Megatron (its hybrid device optimizer); remove it");
    }

    /// <summary>Sequences each data-parallel rank takes per step.</summary>
    public static int PerRankBatch(TrainingTarget t) => t.Job.GlobalBatch / t.Layout.Dp;

    /// <summary>Micro-batches per step on each data-parallel rank.</summary>
    public static int MicroBatches(TrainingTarget t) => t.Job.GlobalBatch / (t.Layout.Dp * t.Layout.MicroBatch);
}
