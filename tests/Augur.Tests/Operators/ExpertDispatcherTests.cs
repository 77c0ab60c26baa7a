using Augur.CostModels.Training;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Tests.Operators;

/// <summary>training.dispatcher: DeepEP's normal kernels send a token once per remote node, Megatron's alltoall every copy.</summary>
public class ExpertDispatcherTests
{
    static string Yaml(string model, string gpus, string parallelism, string extra) => $$"""
        workload: training
        model: {{model}}
        hardware: dgx-h100
        cluster: {gpus: {{gpus}}}
        precision: bf16
        parallelism: {{parallelism}}
        training: {seq_len: 16384, global_batch: {{gpus}}, routing: balanced{{extra}}}
        """;

    const string Ep32 = "{tp: 1, pp: 1, dp: 32, ep: 32, microbatch: 1, recompute: none}";

    [Fact]
    public void Deepep_sends_each_token_once_per_remote_node()
    {
        // Qwen3-30B-A3B routes each token to 8 of 128 experts; EP 32 spans 4 DGX-H100 nodes of 8. The alltoall dispatcher
        // sends 8 copies, 24/32 of them to the other three nodes: 6 token-sends over InfiniBand. DeepEP sends a token once to
        // each remote node holding one of its experts: 4 · (1 − (3/4)^8) of the 4 nodes are reached, 3/4 of those remote,
        // 2.69966 token-sends. Both cross the network at the same rate, which is the slower link here (NVLink carries 7/32 of
        // the copies at 9x the rate), so the exchange takes 2.69966 / 6 as long, less only the per-exchange latency.
        var model = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, "")));
        var deep = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, ", dispatcher: deepep")));
        var l = LayoutDefaults.Complete(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, "")).Layout, 32);
        double ratio = deep.Estimate(l).Breakdown.ExpertParallel.Value / model.Estimate(l).Breakdown.ExpertParallel.Value;
        double expected = 4 * (1 - Math.Pow(0.75, 8)) * 0.75 / 6;
        Assert.Equal(0.44994, expected, 5);
        // 16,384 tokens of 2,048 bf16 values per exchange: 1.3 ms of bytes per token-send against 10 µs or so of latency.
        Assert.InRange(ratio, expected, expected * 1.005);
        // The compute and the memory are the dispatcher's concern in neither case.
        Assert.Equal(model.Estimate(l).Breakdown.Compute.Value, deep.Estimate(l).Breakdown.Compute.Value);
    }

    [Fact]
    public void Hybridep_costs_deepeps_exchange_per_scale_up_domain()
    {
        // HybridEP (NVLink-domain-aware) sends a token once per remote domain, as DeepEP does per node: on DGX H100s the
        // domain is the node, so the two exchanges are one.
        var l = LayoutDefaults.Complete(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, "")).Layout, 32);
        var deep = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, ", dispatcher: deepep"))).Estimate(l);
        var hybrid = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, ", dispatcher: hybridep"))).Estimate(l);
        Assert.Equal(deep.Breakdown.ExpertParallel.Value, hybrid.Breakdown.ExpertParallel.Value);
    }

    [Fact]
    public void Allgather_sends_every_token_to_every_rank_once()
    {
        // Megatron's allgather dispatcher: each of the 32 ranks receives every token of the group, 24 of the 32 copies
        // crossing to the other three nodes, against alltoall's 8 copies of which 6 cross: 4x the bytes over InfiniBand,
        // the per-exchange latency unchanged.
        var l = LayoutDefaults.Complete(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, "")).Layout, 32);
        var all = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, ""))).Estimate(l);
        var gather = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "32", Ep32, ", dispatcher: allgather"))).Estimate(l);
        Assert.InRange(gather.Breakdown.ExpertParallel.Value / all.Breakdown.ExpertParallel.Value, 4 * 0.99, 4);
    }

    [Fact]
    public void Inside_one_node_there_is_nothing_to_deduplicate()
    {
        const string ep8 = "{tp: 1, pp: 1, dp: 8, ep: 8, microbatch: 1, recompute: none}";
        var l = LayoutDefaults.Complete(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "8", ep8, "")).Layout, 8);
        var plain = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "8", ep8, ""))).Estimate(l);
        var deep = Scenarios.Training(Scenarios.FromYaml(Yaml("qwen3-30b-a3b", "8", ep8, ", dispatcher: deepep"))).Estimate(l);
        Assert.Equal(plain.Breakdown.ExpertParallel.Value, deep.Breakdown.ExpertParallel.Value);
    }

    [Theory]
    [InlineData("llama3.1-8b", ", dispatcher: deepep", "has no experts")]
    [InlineData("qwen3-30b-a3b", ", dispatcher: nccl", "use alltoall")]
    [InlineData("qwen3-30b-a3b", ", dispatcher: deepep, capacity_factor: 1.25", "remove one")]
    [InlineData("llama3.1-8b", ", dispatcher: hybridep", "has no experts")]
    public void A_dispatcher_that_cannot_be_is_refused_in_one_line(string model, string extra, string expected)
    {
        string layout = model == "llama3.1-8b" ? "{tp: 1, pp: 1, dp: 32, microbatch: 1}" : Ep32;
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml(model, "32", layout, extra)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Megatron_is_told_to_use_deepep_and_torchtitan_refuses()
    {
        var w = Export.ExportCases.Written(Export.ExportCases.Export("qwen3-30b-moe", "megatron", "training.dispatcher=deepep"));
        Assert.Equal("flex", w["--moe-token-dispatcher-type"]);
        Assert.Equal("deepep", w["--moe-flex-dispatcher-backend"]);
        Assert.False(Export.ExportCases.Written(Export.ExportCases.Export("qwen3-30b-moe", "megatron")).ContainsKey("--moe-token-dispatcher-type"));
        var e = Assert.Throws<InputException>(() => Export.ExportCases.Export("qwen3-30b-moe", "torchtitan", "training.dispatcher=deepep"));
        Assert.Contains("training.dispatcher=deepep", e.Message);
        Assert.Equal(ExpertDispatcher.DeepEp, Export.ExportCases.Scenario("qwen3-30b-moe", ["training.dispatcher=deepep"]).Training!.Dispatcher);
    }

    [Theory]
    [InlineData("hybridep", "flex", "hybridep", ExpertDispatcher.HybridEp)]
    [InlineData("allgather", "allgather", null, ExpertDispatcher.AllGather)]
    public void Megatron_is_told_the_dispatcher_and_reads_it_back(string dispatcher, string type, string? backend, ExpertDispatcher expected)
    {
        var e = Export.ExportCases.Export("qwen3-30b-moe", "megatron", $"training.dispatcher={dispatcher}");
        var w = Export.ExportCases.Written(e);
        Assert.Equal(type, w["--moe-token-dispatcher-type"]);
        Assert.Equal(backend, w.GetValueOrDefault("--moe-flex-dispatcher-backend"));
        var s = Export.ExportCases.Scenario("qwen3-30b-moe", [$"training.dispatcher={dispatcher}"]);
        var back = Augur.Export.Import.ImportWorkflow.Run(new Augur.Export.Import.ImportRequest("megatron", Augur.Export.ExportText.Render(e), s.Cluster.Accelerator.Id, s.Model.Name, s.Cluster.Gpus, null, null),
            Augur.Catalog.Loading.CatalogStore.Default, Scenarios.Repo("samples")).Scenario;
        Assert.Equal(expected, back.Training!.Dispatcher);
    }
}
