using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>NeMo-RL's sequence packing (trainer.pack_tokens): micro-batches of as many whole sequences as fit.</summary>
public class RlPackingTests
{
    /// <summary>Llama 3.1 8B GRPO, 64 × 32 samples of 115 + 1,000 tokens (constant), trainer tp1 pp2 dp8 on 16 H100s.</summary>
    static string Yaml(string trainer) =>
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: bf16\nrl:\n  prompts_per_step: 64\n  samples_per_prompt: 32\n"
        + "  prompt_tokens: {mean: 115}\n  response_tokens: {mean: 1000, max: 1000}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{pp: 2, global_batch: 512{trainer}}}\n";

    [Theory]
    // 4096 / 1115 = 3.67: three fit, but 64 sequences per rank (512 / dp 8) split evenly only into 2s.
    [InlineData(4096, 1115, 64, 2)]
    // 8192 / 1115 = 7.3: seven fit; 4 is the largest divisor of 64 at most 7.
    [InlineData(8192, 1115, 64, 4)]
    // 8192 / 900 = 9.1: nine fit, and 72 / 9 = 8 micro-batches.
    [InlineData(8192, 900, 72, 9)]
    // A sequence longer than half the bin: one per micro-batch.
    [InlineData(1536, 815, 16, 1)]
    public void A_packed_micro_batch_holds_as_many_sequences_as_fit_that_divide_a_ranks_share(int tokens, int seq, int perRank, int expected) =>
        Assert.Equal(expected, RlTraining.PackedSequences(tokens, seq, perRank));

    [Fact]
    public void The_trainer_packs_two_of_the_steps_1115_token_sequences_into_4096_and_runs_half_the_micro_batches()
    {
        var plain = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml("")), CatalogStore.Default).Estimate;
        var packed = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096")), CatalogStore.Default).Estimate;
        Assert.Equal((1, 2), (plain.Training.Update.Layout.MicroBatch, packed.Training.Update.Layout.MicroBatch));
        // 512 sequences per optimizer step over dp 8: 64 micro-batches of one, or 32 of two.
        Assert.Equal(64, plain.Training.Model.MicroBatches(plain.Training.Update.Layout));
        Assert.Equal(32, packed.Training.Model.MicroBatches(packed.Training.Update.Layout));
        Assert.True(packed.Phases.Training.Value < plain.Phases.Training.Value);
    }

    [Fact]
    public void Packing_and_a_fixed_micro_batch_are_refused_together_in_one_line()
    {
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(", pack_tokens: 4096, microbatch: 2")));
        Assert.EndsWith("rl.trainer: pack_tokens sizes the micro-batch from the sequences' length; remove microbatch or pack_tokens", e.Message);
    }

    [Fact]
    public void The_log_probability_passes_pack_their_own_micro_batches()
    {
        // logprob_tokens 8192: seven 1,115-token sequences fit; 4 is the largest divisor of a rank's 64 (the training bins hold 2).
        var e = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096, logprob_tokens: 8192")), CatalogStore.Default).Estimate;
        Assert.Equal(2, e.Training.Update.Layout.MicroBatch);
        Assert.Equal(4, e.Training.Scoring!.Value.Layout.MicroBatch);
        var same = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096")), CatalogStore.Default).Estimate;
        Assert.Null(same.Training.Scoring);
        // Larger scoring micro-batches fill the pipeline better: fewer bubbles, the same FLOPs.
        Assert.True(e.Phases.LogProbs.Value < same.Phases.LogProbs.Value);
        Assert.Equal(same.Phases.Training.Value, e.Phases.Training.Value);
        var x = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(", logprob_tokens: 8192")));
        Assert.EndsWith("rl.trainer.logprob_tokens: packs the log-probability passes' micro-batches, which needs sequence packing; set pack_tokens too", x.Message);
    }
}
