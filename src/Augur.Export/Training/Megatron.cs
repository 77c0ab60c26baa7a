using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Export.Training;

/// <summary>
/// Megatron-LM (pretrain_gpt.py) arguments. Megatron expresses every layout key Augur has: the degrees, sequence
/// parallelism, micro-batch and batch, recompute granularity and modules, the precision recipe, and ZeRO as the
/// distributed optimizer (stage 1) or Megatron-FSDP's sharding strategy (stages 2 and 3).
/// </summary>
static class Megatron
{
    public static Mapped Map(FrameworkSpec f, TrainingTarget t)
    {
        var l = t.Layout;
        var job = t.Job;
        TrainingTerms.RefuseMaxTextOnly(f, job);
        TrainingTerms.RefuseBf16Optimizer(f, job);
        TrainingTerms.RefuseGatherAfterBackward(f, job);
        TrainingTerms.RefuseLora(f, job);
        var a = new Settings(f)
            .Int("--tensor-model-parallel-size", l.Tp)
            .Int("--pipeline-model-parallel-size", l.Pp);
        string? split = PipelineSplit(a, t);
        a.Int("--context-parallel-size", l.Cp);
        if (t.Moe) a.Int("--expert-model-parallel-size", l.Ep).Int("--expert-tensor-parallel-size", l.Etp);
        if (l.Sp && l.Tp > 1) a.Flag("--sequence-parallel");
        a.Int("--micro-batch-size", l.MicroBatch).Int("--global-batch-size", job.GlobalBatch).Int("--seq-length", job.SeqLen);
        if (t.Steps is { } steps) a.Int("--train-iters", steps);
        Recompute(a, l);
        Precision(a, t.Scenario);
        Sharding(a, l.Zero, job.OverlapDataParallel);
        HostOptimizer(f, a, job, l.Zero);
        if (job.AttentionKernel == AttentionKernel.Unfused) a.Text("--attention-backend", "unfused");
        if (t.Moe && job.Routing == ExpertRoutingMode.Balanced) a.Flag("--moe-router-force-load-balancing");
        if (l.OverlapExperts) a.Flag("--overlap-moe-expert-parallel-comm");
        if (t.Moe && job.Dispatcher == ExpertDispatcher.AllGather) a.Text("--moe-token-dispatcher-type", "allgather");
        else if (t.Moe && job.Dispatcher != ExpertDispatcher.AllToAll) a.Text("--moe-token-dispatcher-type", "flex").Text("--moe-flex-dispatcher-backend", job.Dispatcher.Label());
        var notes = new List<string>
        {
            FormattableString.Invariant($"launch on {t.Gpus} GPUs: Megatron takes the data-parallel size from the world size, {t.Gpus} / (tp {l.Tp} x pp {l.Pp} x cp {l.Cp}) = dp {l.Dp}"),
            "add the model's architecture, tokenizer, data and optimizer arguments; these are the layout's",
        };
        if (split is not null) notes.Add(split);
        if (t.Steps is null) notes.Add("the scenario sets no token or FLOP budget, so --train-iters is yours to choose");
        return new Mapped(notes, [new Launch("train", 1, t.Gpus, f.Command, a.Items)]);
    }

    /// <summary>
    /// Layers that do not split evenly over pp x vp stages are placed as Augur costs them: ceil(layers / pp) on each
    /// pipeline rank and the rest on the last, each rank's share spread over its vp chunks as evenly as whole layers
    /// allow. Megatron takes such a split as --pipeline-model-parallel-layout (stages in layer order, separated by
    /// '|': E the embedding, t a layer, L the loss; (x|)*n repeats), which replaces the virtual-stage count.
    /// Returns the note to show, or null for an even split.
    /// </summary>
    static string? PipelineSplit(Settings a, TrainingTarget t)
    {
        var l = t.Layout;
        int layers = t.Scenario.Model.Layers, stages = l.Pp * l.Vp;
        if (layers % stages == 0)
        {
            if (l.Vp > 1) a.Int("--num-virtual-stages-per-pipeline-rank", l.Vp);
            return null;
        }
        int per = (layers + l.Pp - 1) / l.Pp;
        var chunks = new List<string>();
        for (int v = 0; v < l.Vp; v++)
            for (int r = 0; r < l.Pp; r++)
            {
                int onRank = r < l.Pp - 1 ? per : layers - (l.Pp - 1) * per;
                int count = onRank / l.Vp + (v < onRank % l.Vp ? 1 : 0);
                string body = count switch { 0 => "", 1 => "t", _ => FormattableString.Invariant($"t*{count}") };
                chunks.Add((v == 0 && r == 0 ? "E" : "") + body + (v == l.Vp - 1 && r == l.Pp - 1 ? "L" : ""));
            }
        a.Text("--pipeline-model-parallel-layout", Compress(chunks));
        return FormattableString.Invariant($"{layers} layers over {stages} pipeline stages: {per} on each pipeline rank but the last, which holds {layers - (l.Pp - 1) * per} and the output layer (--pipeline-model-parallel-layout)");
    }

    /// <summary>Joins stages with '|', writing a run of n equal stages as (stage|)*n.</summary>
    static string Compress(List<string> stages)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < stages.Count;)
        {
            int run = 1;
            while (i + run < stages.Count && stages[i + run] == stages[i]) run++;
            bool last = i + run == stages.Count;
            // The final stage takes no trailing '|', so a run that ends the layout leaves its last stage outside.
            int repeated = last ? run - 1 : run;
            if (repeated > 1) sb.Append(FormattableString.Invariant($"({stages[i]}|)*{repeated}"));
            else if (repeated == 1) sb.Append(stages[i]).Append('|');
            if (last) sb.Append(stages[i]);
            i += run;
        }
        return sb.ToString();
    }

    static void Recompute(Settings a, ParallelLayout l)
    {
        var r = l.Recompute;
        if (r == Domain.Parallelism.Recompute.None) return;
        if (r == Domain.Parallelism.Recompute.Full)
        {
            // Some layers of each chunk (recompute_layers): the block method's first N; every layer: uniform groups of one.
            a.Text("--recompute-granularity", "full").Text("--recompute-method", l.RecomputeLayers > 0 ? "block" : "uniform")
                .Int("--recompute-num-layers", l.RecomputeLayers > 0 ? l.RecomputeLayers : 1);
            return;
        }
        a.Text("--recompute-granularity", "selective").List("--recompute-modules", RecomputeNames.ModulesOf(r));
    }

    static void Precision(Settings a, Scenario s)
    {
        switch (s.Precision)
        {
            case Domain.Hardware.Precision.FP32: return; // Megatron's default
            case Domain.Hardware.Precision.FP16: a.Flag("--fp16"); return;
            case Domain.Hardware.Precision.BF16: a.Flag("--bf16"); return;
            case Domain.Hardware.Precision.FP8:
                // Hybrid: E4M3 forward, E5M2 gradients. Blackwell scales 32-value blocks in hardware (MXFP8); on
                // earlier parts the blockwise recipe keeps DeepSeek-V3's 128-wide blocks, the format Augur's FP8
                // memory assumes (docs/FORMULAS.md §2).
                a.Flag("--bf16").Text("--fp8-format", "hybrid").Text("--fp8-recipe", TrainingTerms.Mxfp8(s.Cluster.Accelerator) ? "mxfp8" : "blockwise");
                return;
            case Domain.Hardware.Precision.FP4:
                a.Flag("--bf16").Text("--fp4-format", "e2m1").Text("--fp4-recipe", "nvfp4");
                return;
        }
    }

    /// <summary>
    /// The optimizer share on the host (training.optimizer_offload): Megatron's hybrid device optimizer, which arguments.py
    /// allows only with the precision-aware optimizer and which the optimizer_cpu_offloading README runs with its copies
    /// overlapped; beside the distributed optimizer, not Megatron-FSDP.
    /// </summary>
    static void HostOptimizer(FrameworkSpec f, Settings a, TrainingJob job, int zero)
    {
        if (job.OptimizerOffload == 0) return;
        if (zero != OptimizerOffloadRule.Stage)
            throw Refuse.Setting(f, $"zero={zero} with training.optimizer_offload", "Megatron keeps the optimizer on the host beside its distributed optimizer; set zero: 1");
        a.Flag("--optimizer-cpu-offload").Number("--optimizer-offload-fraction", job.OptimizerOffload)
            .Flag("--use-precision-aware-optimizer").Flag("--overlap-cpu-optimizer-d2h-h2d");
    }

    static void Sharding(Settings a, int zero, bool overlap)
    {
        switch (zero)
        {
            case 1: a.Flag("--use-distributed-optimizer"); break;
            case 2: a.Flag("--use-megatron-fsdp").Text("--data-parallel-sharding-strategy", "optim_grads"); break;
            case 3: a.Flag("--use-megatron-fsdp").Text("--data-parallel-sharding-strategy", "optim_grads_params"); break;
        }
        if (!overlap) return;
        a.Flag("--overlap-grad-reduce");
        if (zero > 0) a.Flag("--overlap-param-gather");
    }
}
