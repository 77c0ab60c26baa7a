using Augur.Domain.Frameworks;
using Augur.Domain.Hardware;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Export.Training;

/// <summary>
/// torchtitan job config (TOML). FSDP2 shards parameters, gradients and optimizer state together, so ZeRO 3 is
/// data_parallel_shard_degree resharding after every forward pass ("default" skips it under pipelining), ZeRO 2 the
/// same never resharding, and ZeRO 0 plain
/// replication; ZeRO 1 has no FSDP2 form. Tensor parallelism always shards the norms (sequence parallel).
/// </summary>
static class Torchtitan
{
    public static Mapped Map(FrameworkSpec f, TrainingTarget t)
    {
        var l = t.Layout;
        var job = t.Job;
        var s = t.Scenario;
        TrainingTerms.RefuseMaxTextOnly(f, job);
        TrainingTerms.RefuseGatherAfterBackward(f, job);
        TrainingTerms.RefuseLora(f, job);
        TrainingTerms.RefuseRecomputeLayers(f, t.Layout);
        TrainingTerms.RefuseOptimizerOffload(f, job);
        TrainingTerms.RefuseDispatcher(f, job);
        TrainingTerms.RefuseBf16Optimizer(f, job);
        if (l.Tp > 1 && !l.Sp)
            throw Refuse.Setting(f, "sp=false", "its tensor parallelism always shards the norms over the TP group (sequence parallel); set sp: true");
        if (t.Moe && l.Etp != 1 && l.Etp != l.Tp)
            throw Refuse.Setting(f, $"etp={l.Etp}", $"expert tensor parallelism is 1 or the tensor-parallel degree ({l.Tp})");
        if (job.AttentionKernel == AttentionKernel.Unfused)
            throw Refuse.Setting(f, "attention=unfused", "it runs fused attention (SDPA or FlexAttention)");
        if (l.OverlapExperts)
            throw Refuse.Setting(f, "ep_overlap=true", "it has no setting that overlaps one micro-batch's expert all-to-all with another's compute");
        if (!job.OverlapDataParallel)
            throw Refuse.Setting(f, "overlap_dp=false", "FSDP2 and its DDP always overlap gradient traffic with the backward pass");
        var a = new Settings(f);
        Sharding(f, a, l);
        a.Int("parallelism.tensor_parallel_degree", l.Tp).Int("parallelism.pipeline_parallel_degree", l.Pp);
        if (l.Pp > 1)
        {
            a.Text("parallelism.pipeline_parallel_schedule", l.Vp > 1 ? "Interleaved1F1B" : "1F1B");
            if (l.Vp > 1)
            {
                int stages = l.Pp * l.Vp;
                if (s.Model.Layers % stages != 0)
                    throw Refuse.Setting(f, $"vp={l.Vp}", $"its stages hold whole layers of equal count, and {s.Model.Layers} layers do not split into pp x vp = {stages} stages");
                a.Int("parallelism.pipeline_parallel_layers_per_stage", s.Model.Layers / stages);
            }
            a.Int("parallelism.pipeline_parallel_microbatch_size", l.MicroBatch);
        }
        a.Int("parallelism.context_parallel_degree", l.Cp);
        if (t.Moe) a.Int("parallelism.expert_parallel_degree", l.Ep).Int("parallelism.expert_tensor_parallel_degree", l.Etp);
        // With a pipeline the whole per-rank batch goes through it in micro-batches; without one each forward
        // pass takes one micro-batch and the global batch sets the gradient accumulation.
        a.Int("training.local_batch_size", l.Pp > 1 ? TrainingTerms.PerRankBatch(t) : l.MicroBatch)
            .Int("training.global_batch_size", job.GlobalBatch)
            .Int("training.seq_len", job.SeqLen);
        if (t.Steps is { } steps) a.Int("training.steps", steps);
        Precision(f, a, t);
        a.Text("activation_checkpoint.mode", l.Recompute switch
        {
            Recompute.None => "none",
            Recompute.Full => "full",
            var r => throw Refuse.Setting(f, $"recompute={RecomputeNames.Format(r)}", "its selective mode recomputes by layer or by operator policy, not named modules; use none or full"),
        });
        if (t.Moe && job.Routing == ExpertRoutingMode.Balanced) a.Bool("debug.moe_force_load_balance", true);
        var notes = new List<string>
        {
            FormattableString.Invariant($"launch on {t.Gpus} GPUs; tp {l.Tp} x pp {l.Pp} x cp {l.Cp} x dp {l.Dp} must equal the world size"),
            "add [model] name and flavor, the tokenizer and the dataset; these are the layout's",
        };
        if (t.Steps is null) notes.Add("the scenario sets no token or FLOP budget, so training.steps is yours to choose");
        return new Mapped(notes, [new Launch("train", 1, t.Gpus, f.Command, a.Items)]);
    }

    static void Sharding(FrameworkSpec f, Settings a, ParallelLayout l)
    {
        switch (l.Zero)
        {
            case 0 when l.Cp > 1:
                throw Refuse.Setting(f, "zero=0", $"with context parallelism it shards parameters over the cp={l.Cp} group (FSDP); use zero 2 or 3");
            case 0:
                a.Int("parallelism.data_parallel_replicate_degree", l.Dp).Int("parallelism.data_parallel_shard_degree", 1);
                return;
            case 1:
                throw Refuse.Setting(f, "zero=1", "FSDP2 shards gradients with the optimizer state; use zero 2 or 3 (or export to megatron)");
            default:
                a.Int("parallelism.data_parallel_replicate_degree", 1).Int("parallelism.data_parallel_shard_degree", l.Dp)
                    .Text("parallelism.fsdp_reshard_after_forward", l.Zero == 2 ? "never" : "always");
                return;
        }
    }

    static void Precision(FrameworkSpec f, Settings a, TrainingTarget t)
    {
        var p = t.Scenario.Precision;
        switch (p)
        {
            case Domain.Hardware.Precision.FP32: a.Text("training.mixed_precision_param", "float32"); return;
            case Domain.Hardware.Precision.BF16: a.Text("training.mixed_precision_param", "bfloat16"); return;
            case Domain.Hardware.Precision.FP8:
                a.Text("training.mixed_precision_param", "bfloat16");
                if (TrainingTerms.Mxfp8(t.Scenario.Cluster.Accelerator))
                {
                    a.List("model.converters", t.Moe ? ["quantize.linear.mx", "quantize.grouped_mm.mx"] : ["quantize.linear.mx"])
                        .Text("quantize.linear.mx.recipe_name", "mxfp8_cublas");
                    if (t.Moe) a.Text("quantize.grouped_mm.mx.recipe_name", "mxfp8").Text("quantize.grouped_mm.mx.fqns", "experts");
                }
                else
                {
                    a.List("model.converters", t.Moe ? ["quantize.linear.float8", "quantize.grouped_mm.float8"] : ["quantize.linear.float8"])
                        .Text("quantize.linear.float8.recipe_name", "rowwise");
                    if (t.Moe) a.Text("quantize.grouped_mm.float8.fqns", "experts");
                }
                return;
            default:
                throw Refuse.Setting(f, $"precision={p.Label()}", "its mixed precision is bfloat16 or float32, with float8 and MXFP8 converters");
        }
    }
}
