using Augur.Catalog.Loading;
using Augur.CostModels.Rl;
using Augur.Domain.Workloads;
using Augur.Workflows.Rl;

namespace Augur.Tests.Rl;

/// <summary>NeMo-RL's sequence packing (trainer.pack_tokens): first-fit-decreasing bins, a multiple of dp, one micro-batch each.</summary>
public class RlPackingTests
{
    /// <summary>Llama 3.1 8B GRPO, 64 × 32 samples of 115 + 1,000 tokens (constant), trainer tp1 pp2 dp8 on 16 H100s.</summary>
    static string Yaml(string trainer) =>
        "workload: rl\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 16}\nprecision: bf16\nrl:\n  prompts_per_step: 64\n  samples_per_prompt: 32\n"
        + "  prompt_tokens: {mean: 115}\n  response_tokens: {mean: 1000, max: 1000}\n  verifier: {kind: rule, cpu_seconds: 0.01, cpu_cores: 8}\n"
        + $"  generator: {{tp: 1}}\n  trainer: {{pp: 2, global_batch: 512{trainer}}}\n";

    [Theory]
    // 7 and 6 open two bins; 3 fits beside 7, then both 2s beside 6: both hold 10.
    [InlineData(10, new[] { 7, 6, 3, 2, 2 }, 2, 10)]
    // No two of 6, 6, 5 share a bin; the 4s fill the rooms the 6s leave: 10, 10 and 5.
    [InlineData(10, new[] { 6, 6, 5, 4, 4 }, 3, 10)]
    // A sample longer than a bin gets one alone, at its own length, and leaves no room.
    [InlineData(4, new[] { 5, 1 }, 2, 5)]
    // 5 and 4 share a bin (9 tokens); 3 no longer fits beside them and opens a second.
    [InlineData(10, new[] { 5, 4, 3 }, 2, 9)]
    public void First_fit_decreasing_puts_each_sample_in_the_first_bin_with_room(int capacity, int[] descending, int expected, int longest)
        => Assert.Equal((expected, longest), SequencePacking.Pack(capacity, descending));

    [Fact]
    public void A_million_samples_pack_as_a_few_do()
    {
        // Three 1,115-token samples to a 4,096-token bin: 1,000,000 samples need ⌈1,000,000 / 3⌉ = 333,334 bins.
        Assert.Equal(333_334, SequencePacking.Pack(4096, Enumerable.Repeat(1115, 1_000_000).ToArray()).Bins);
        // Responses up to 4,000 tokens drawn for 900,000 samples: their lengths fall from the longest, and every bin
        // but a sample's own holds at most 4,096 tokens, so at least the tokens over the bin size are needed.
        var lengths = SequencePacking.Lengths(115, new RlLengths(1000, 0.75, 4000), 900_000);
        long tokens = lengths.Sum(l => (long)l);
        Assert.InRange(SequencePacking.Pack(4096, lengths).Bins, (int)((tokens + 4095) / 4096), 900_000);
    }

    [Theory]
    // 4096 / 1115: three to a bin, 512 samples in 171 bins, raised to 176 (a multiple of dp 8): 22 per rank.
    [InlineData(4096, 512, 8, 22)]
    // 8192 / 1115: seven to a bin, 74 bins, raised to 80: 10 per rank.
    [InlineData(8192, 512, 8, 10)]
    // A bin smaller than a sample: one each, a rank's 64.
    [InlineData(1000, 512, 8, 64)]
    public void Bins_per_rank_for_samples_of_one_length(int capacity, int globalBatch, int dp, int expected) =>
        Assert.Equal(expected, SequencePacking.PerRank(capacity, 115, new RlLengths(1000, 0, 1000), globalBatch, dp).Bins);

    [Fact]
    public void Spread_lengths_pack_into_fewer_bins_than_samples_of_the_mean_would_need_only_when_short_ones_fill_the_gaps()
    {
        // Lengths fall from the longest: the first is the longest quantile, every one within the limit.
        var lengths = SequencePacking.Lengths(0, new RlLengths(1000, 0.75, 4000), 64);
        Assert.True(lengths.Zip(lengths.Skip(1)).All(p => p.First >= p.Second));
        Assert.InRange(lengths[0], 1000, 4000);
        Assert.Equal(new[] { 500, 500 }, SequencePacking.Lengths(0, new RlLengths(500, 0, 500), 2));
    }

    [Fact]
    public void A_packed_row_costs_its_samples_attention_not_the_rows()
    {
        var s = Scenarios.FromYaml("workload: training\nmodel: llama3.1-8b\nhardware: h100-sxm\ncluster: {gpus: 8}\nprecision: bf16\ntraining: {seq_len: 4096, global_batch: 8}\n");
        var cal = CatalogStore.Default.Calibration(s.Cluster.Accelerator);
        TrainingJob Job(int seq, int? attends) => s.Training! with { SeqLen = seq, AttentionLength = attends };
        var m = s.Model; var cluster = s.Cluster;
        var packed = new CostModels.Training.TrainingModel(m, cluster, Job(4096, 1024), cal).Flops;
        var short1024 = new CostModels.Training.TrainingModel(m, cluster, Job(1024, null), cal).Flops;
        var long4096 = new CostModels.Training.TrainingModel(m, cluster, Job(4096, null), cal).Flops;
        Assert.Equal(short1024.Training, packed.Training);
        Assert.True(long4096.Training > packed.Training);
    }

    [Fact]
    public void Under_pipeline_parallelism_every_packed_micro_batch_is_padded_to_the_fullest()
    {
        // 512 samples of 1,115 tokens, three to a 4,096-token bin: 170 bins of 3,345 tokens and one of 2,230, raised to
        // 176 (22 a rank of dp 8). A rank's 64 samples over its 22 bins average ⌈64 × 1,115 / 22⌉ = 3,244 tokens; NeMo-RL
        // pads each to the fullest, 3,345, for Megatron's fixed-shape stage-to-stage buffers. verl's variable_seq_lengths
        // keeps each at its own.
        var padded = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096")), CatalogStore.Default).Estimate;
        var variable = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096, variable_seq_lengths: true")), CatalogStore.Default).Estimate;
        Assert.Equal(3345.0 / 3244.0, padded.Training.Model.ModelFlopsPerStep / variable.Training.Model.ModelFlopsPerStep, 12);
        // Without pipeline parallelism nothing is padded.
        var pp1 = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096").Replace("pp: 2", "pp: 1")), CatalogStore.Default).Estimate;
        var pp1Variable = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096, variable_seq_lengths: true").Replace("pp: 2", "pp: 1")), CatalogStore.Default).Estimate;
        Assert.Equal(pp1Variable.Training.Model.ModelFlopsPerStep, pp1.Training.Model.ModelFlopsPerStep);
        var e = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(", variable_seq_lengths: true")));
        Assert.EndsWith("rl.trainer.variable_seq_lengths: says how packed micro-batches cross pipeline stages, which needs sequence packing; set pack_tokens too or remove it", e.Message);
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
        // logprob_tokens 8192: seven 1,115-token sequences to a bin, the whole step's 2,048 samples in ⌈2,048 / 7⌉ = 293 bins,
        // 296 for dp 8, 37 per rank; the training bins hold three, 22 per rank of an optimizer step's 512 samples; the
        // scoring bins at the training size, ⌈2,048 / 3⌉ = 683 → 688, 86 per rank.
        var e = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096, logprob_tokens: 8192")), CatalogStore.Default).Estimate;
        Assert.Equal(22, e.Training.Model.MicroBatches(e.Training.Update.Layout));
        Assert.Equal(37, e.Training.ScoringMicroBatches);
        var same = RlWorkflow.Estimate(Scenarios.FromYaml(Yaml(", pack_tokens: 4096")), CatalogStore.Default).Estimate;
        Assert.Equal(86, same.Training.ScoringMicroBatches);
        // The same FLOPs in 37 bins instead of 86: pp 2's fill, one bin's time, is (pp - 1) / bins of the pass, a larger share.
        Assert.True(e.Phases.LogProbs.Value > same.Phases.LogProbs.Value);
        Assert.Equal(same.Phases.Training.Value, e.Phases.Training.Value);
        var x = Assert.Throws<Augur.Domain.InputException>(() => Scenarios.FromYaml(Yaml(", logprob_tokens: 8192")));
        Assert.EndsWith("rl.trainer.logprob_tokens: packs the log-probability passes' micro-batches, which needs sequence packing; set pack_tokens too", x.Message);
    }
}
