using Augur.Catalog.Loading;
using Augur.CostModels.Compute;
using Augur.CostModels.Operators;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Domain.Parallelism;
using Augur.Domain.Workloads;

namespace Augur.Tests.Operators;

/// <summary>
/// MaxText's capacity-bound MoE (dense_matmul with capacity_factor, moe.py @ tpu-recipes-v0.1.2), worked by hand on
/// Mixtral 8x7B (8 experts, top-2, d 4096, expert FFN 14336) with 4,096-token sequences.
/// </summary>
public class ExpertCapacityTests
{
    static readonly CatalogStore Store = CatalogStore.Default;
    static readonly MoeSpec Mixtral = Store.Model("mixtral-8x7b").Spec.Moe!;

    [Fact]
    public void Each_expert_gets_its_share_of_the_routed_copies_times_the_factor()
    {
        // ⌈4096·2/8⌉ = 1024 slots at factor 1; × 1.25 = 1280; the sequence has 8 × 1280 = 10,240 slots, 2.5 per token.
        Assert.Equal(1024, ExpertCapacity.SlotsPerExpert(Mixtral, 4096, 1.0));
        Assert.Equal(1280, ExpertCapacity.SlotsPerExpert(Mixtral, 4096, 1.25));
        Assert.Equal(10240, ExpertCapacity.SlotsPerSequence(Mixtral, 4096, 1.25));
        // 100 tokens: ⌈200/8⌉ = 25, × 1.25 = 31.25, truncated to 31 as int() does; a tiny factor still leaves one slot.
        Assert.Equal(31, ExpertCapacity.SlotsPerExpert(Mixtral, 100, 1.25));
        Assert.Equal(1, ExpertCapacity.SlotsPerExpert(Mixtral, 1, 0.01 + 1));
        var job = new TrainingJob { SeqLen = 4096, GlobalBatch = 1, Precision = Precision.BF16, ExpertCapacityFactor = 1.25 };
        Assert.Equal(2.5, ExpertCapacity.RowsPerToken(Mixtral, job));
        Assert.Equal(2, ExpertCapacity.RowsPerToken(Mixtral, job with { ExpertCapacityFactor = null }));
    }

    [Fact]
    public void The_einsums_and_the_extra_slots_add_their_flops_and_the_permutations_go()
    {
        var acc = Store.Accelerator("tpu-v6e");
        var rates = new DeviceRates(acc, Store.Calibration(acc), Precision.BF16);
        var cost = new LayerCost(Store.Model("mixtral-8x7b").Spec, 2.0, 2.0);
        const double T = 4096, d = 4096, f = 14336;
        var dropless = new LayerShape
        {
            Tokens = T, FullContext = 2048, WindowContext = 2048, Tp = 1, Etp = 1, Kernel = AttentionKernel.Flash,
            ExpertTokenVisits = 2 * T, ExpertsTouched = 8,
        };
        var slotted = dropless with { ExpertTokenVisits = 2.5 * T, EinsumSlots = 10240 };
        // Dispatch and combine: 2 × 2·T·10,240·d = 6.87e11; the experts' 0.5 T more rows: 2·0.5T·3·d·f = 3.61e11.
        double expected = 2 * 2 * T * 10240 * d + 2 * 0.5 * T * 3 * d * f;
        double extra = cost.Moe(rates, slotted).HardwareFlops.Value - cost.Moe(rates, dropless).HardwareFlops.Value;
        Assert.Equal(expected, extra, expected * 1e-12);
        // The permutation passes are gone: the slotted layer streams only the activation width of its rows.
        double hbm = 1.638e12 * Store.Calibration(acc).MemoryEfficiency;
        double permutations = 2 * (2 * 2 * T * d * 2 / hbm + 2e-6);
        double activation = 0.5 * T * 3 * f * 2 / hbm;
        double elementwise = cost.Moe(rates, slotted).Elementwise.Value - cost.Moe(rates, dropless).Elementwise.Value;
        Assert.Equal(activation - permutations, elementwise, 1e-12);
    }

    static string Yaml(string model, string training) => $$"""
        workload: training
        model: {{model}}
        hardware: tpu-v6e-pod
        cluster: {gpus: 256}
        parallelism: {tp: 1, pp: 1, dp: 256, zero: 3, microbatch: 1, recompute: full}
        training: {seq_len: 4096, global_batch: 256, {{training}}}
        """;

    [Fact]
    public void A_capacity_keeps_its_slots_for_the_backward_and_ignores_routing_skew()
    {
        var free = Scenarios.Training(Scenarios.FromYaml(Yaml("mixtral-8x7b", "routing: random")));
        var capped = Scenarios.Training(Scenarios.FromYaml(Yaml("mixtral-8x7b", "routing: random, capacity_factor: 1.25")));
        var l = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 256, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 3, MicroBatch: 1, Recompute: Recompute.Full);
        Assert.Equal(1, capped.ExpertImbalance(l));
        Assert.True(capped.Estimate(l).Breakdown.Compute.Value > free.Estimate(l).Breakdown.Compute.Value);
        Assert.True(capped.Memory(l).Activations > free.Memory(l).Activations);
    }

    [Fact]
    public void Zero3_gathers_a_layers_routed_experts_when_their_shards_span_ranks()
    {
        // Mixtral's routed experts per layer: 8 × 3 × 4096 × 14336 = 1,409,286,144 parameters. Two layers gathered at 2 B:
        // all of them at ep 1 (sharded over 256 ranks), an eighth at ep 8 (each rank's one expert sharded over 32). Each
        // rank's own shard is the same 1/256 either way.
        var model = Scenarios.Training(Scenarios.FromYaml(Yaml("mixtral-8x7b", "routing: random")));
        var ep1 = new ParallelLayout(Tp: 1, Pp: 1, Vp: 1, Dp: 256, Cp: 1, Ep: 1, Etp: 1, Sp: false, Zero: 3, MicroBatch: 1, Recompute: Recompute.Full);
        double gathered = 2 * 2 * 1_409_286_144.0;
        double difference = model.Memory(ep1).Weights.Value - model.Memory(ep1 with { Ep = 8 }).Weights.Value;
        Assert.Equal(gathered * (1 - 1.0 / 8), difference, 1);
    }

    [Theory]
    [InlineData("llama3.1-8b", "capacity_factor: 1.25", "has no experts")]
    [InlineData("mixtral-8x7b", "capacity_factor: 0", "is not a capacity factor")]
    [InlineData("mixtral-8x7b", "capacity_factor: -1", "leave the key out")]
    [InlineData("mixtral-8x7b", "capacity_factor: 100", "(0, 64]")]
    public void A_capacity_factor_that_cannot_be_is_refused_in_one_line(string model, string training, string expected)
    {
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(model, training)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
