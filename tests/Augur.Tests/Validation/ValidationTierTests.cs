using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Workflows;

namespace Augur.Tests.Validation;

public class ValidationTierTests
{
    static IReadOnlyList<ValidationCase> ReadOne(string fields)
    {
        var node = Augur.Catalog.Files.DataReader.Read(
            "cases:\n  - id: x\n" + fields + "    source: s\n    scenario: {workload: inference, model: llama3.1-8b, hardware: h100-sxm, inference: {input_tokens: 1, output_tokens: 1}}\n    measured: {metric: output_tokens_per_s_per_gpu, convention: tokens, value: 1}\n",
            "v.yaml", json: false);
        return ValidationReader.ReadFile(new ScenarioReader(CatalogStore.Default), "v.yaml", node);
    }

    [Fact]
    public void A_case_says_whether_it_was_fitted_and_what_kind_of_measurement_it_is()
    {
        var c = ReadOne("    fit: in-sample\n    fit_notes: n\n    measurement: production-average\n").Single();
        Assert.True(c.InSample);
        Assert.Equal(ValidationTier.ProductionAverage, c.Tier);
        Assert.Equal(ValidationTier.OutOfSample, ReadOne("    fit: out-of-sample\n    fit_notes: n\n").Single().Tier);
        Assert.Equal(ValidationTier.InSample, ReadOne("    fit: in-sample\n    fit_notes: n\n    measurement: benchmark\n").Single().Tier);
    }

    [Fact]
    public void A_case_without_fit_or_with_unknown_values_is_refused()
    {
        Assert.EndsWith("missing key 'fit'", Assert.Throws<InputException>(() => ReadOne("    fit_notes: n\n")).Message);
        Assert.EndsWith("missing key 'fit_notes'", Assert.Throws<InputException>(() => ReadOne("    fit: in-sample\n")).Message);
        Assert.EndsWith(".fit: unknown value 'core'; use in-sample or out-of-sample",
            Assert.Throws<InputException>(() => ReadOne("    fit: core\n    fit_notes: n\n")).Message);
        Assert.EndsWith(".measurement: unknown kind 'daily'; use benchmark or production-average",
            Assert.Throws<InputException>(() => ReadOne("    fit: in-sample\n    fit_notes: n\n    measurement: daily\n")).Message);
    }

    [Fact]
    public void Shipped_tiers_match_the_case_files()
    {
        // Counted in catalog/validation/*.yaml: training has 16 in-sample rows (SC'21 x 10 and Korthikanti's 1T on A100;
        // Llama 3 405B x 3 and Megatron-Bridge 25.11 70B/405B on H100) and 82 out-of-sample: 53 first (9 H100 Megatron-Bridge,
        // 2 dense and 7 MoE; 28 Blackwell, 12 dense and 16 MoE; 5 dense LLM Foundry rows on A100; 7 MaxText rows on TPU,
        // 5 dense and 2 MoE; 4 dense MLPerf Llama 3.1 8B rows on MI355X/MI350X), then 29 added together: 6 dense MLPerf
        // Training v5.1 NVIDIA rows on GB200/GB300, 8 dense torchtitan rows on Grand Teton H100s, 6 dense LLM Foundry rows
        // on H100 and 3 on A100, 6 MaxText rows on TPU7x (4 dense, 2 gpt-oss MoE). Inference: 47 in-sample (31, the 6
        // MI325X MLPerf rows since MI325X's own GEMM fraction came after their errors were seen, and the SGLang Qwen3.6 cookbook's 10
        // Gated DeltaNet rows on H200, B200 and B300, whose scenario and SGLang's state pool came after their errors were seen), 2 production averages
        // (DeepSeek's day of prefill and decode), 120 out-of-sample: 109 first (40 Hopper dense TensorRT-LLM rows, 60
        // Blackwell: 40 dense and 20 Qwen3-30B-A3B; 5 MLPerf rows on MI300X, 3 dense and 2 Mixtral; 4 dense MI355X rows),
        // then 11 added together: 4 MLPerf v5.1 rows on H200 (2 Mixtral, 2 Llama 2 70B), 5 dense SGLang rows on H200 and 2
        // dense vLLM rows on TPU v6e; then 23 more MLPerf Inference rows from other submitters: 14 Blackwell (12 dense
        // Llama 2 70B on B200/GB200/B300, 2 Mixtral on B200), 4 H200 (2 dense, 2 Mixtral), 2 MI300X (1 dense, 1 Mixtral)
        // and 3 dense MI350X; then 20 Llama 4 Scout MoE rows from the TensorRT-LLM table (10 on B200, 10 on GB200); training gains 2 dense MLPerf Training v5.1 Llama 3.1 8B rows on B300 and B200, then 7 NeMo AutoModel rows on H100 (1 dense, 6 MoE), then 8 Megatron-Bridge 26.08 MoE rows on GB300 and GB200 (DeepSeek-V3, GPT-OSS 120B, Qwen3-30B-A3B and Qwen3-235B-A22B), then 7 dense Megatron-Bridge 26.06 Llama 3.1 405B rows (3 GB300, 3 GB200, 1 H100) and 4 MoE rows of the same release (DeepSeek-V3, GPT-OSS 120B and Qwen3-30B-A3B on B300, Qwen3-30B-A3B on H100), then 17 rows of the 26.04.01 release whose model, system and precision no later release publishes (7 dense Llama 3 70B; DeepSeek-V3 on B200, GPT-OSS 120B in BF16 on 5 systems, Qwen3-30B-A3B on B200, Qwen3-235B-A22B on B300, B200 and H100), then 14 MoE rows of Megatron-LM's MoE recipes (DeepSeek-V3 on B200, GB200 and GB300; Qwen3-235B-A22B on H100, B200, B300, GB300 and twice on GB200; Qwen3-30B-A3B twice on H100 and three times on GB200), then the remaining 19 dense MLPerf Training v5.1 Llama 3.1 rows (16 Blackwell: 14 on B200 and B300 servers from 1 to 56 nodes, 2 on 2,560 and 5,120 GB200s; 2 H100; 1 MI355X), then 24 MLPerf Training v6.0 rows (NVIDIA's 6 dense Llama 3.1 rows and 11 MoE DeepSeek-V3 and gpt-oss-20b rows on GB300/GB200; 4 DeepSeek-V3 and 2 gpt-oss-20b rows of other submitters on Blackwell and 1 gpt-oss-20b row on H100), then 22 more MLPerf Training v6.0 rows of other submitters (17 Blackwell: 6 dense Llama 3.1 8B, 2 dense Llama 3.1 405B on 8,192 GB200s and 4,096 GB300s, 9 gpt-oss-20b MoE; 4 dense Llama 3.1 8B on MI355X; 1 dense Llama 3.1 8B on MI325X, the first CDNA3 training row), then 18 more of them (14 Blackwell: 11 dense Llama 3.1 8B, 3 gpt-oss-20b MoE; 1 dense Llama 3.1 8B on H200; 3 dense Llama 3.1 8B on MI350X and MI355X); then 45 dense MLPerf Training v5.1 Llama 2 70B LoRA rows (19 Blackwell: 6 NVIDIA GB200/GB300, 2 Wiwynn GB200, 5 Dell B200/B300, 5 University of Florida B200, 1 GigaComputing B200; 7 Hopper: QCT, Dell x 2, Cisco x 2 H200, Cisco x 2 H100; 13 CDNA3 MI300X/MI325X: AMD x 2, ASUSTeK, Krai x 2, MiTAC, MangoBoost x 5, Supermicro, QCT; 6 CDNA4 MI350X/MI355X: AMD x 2, Supermicro, Dell, Cisco, GigaComputing); then 49 more Llama 2 70B LoRA rows: 34 of MLPerf Training v5.0 (17 Blackwell: NVIDIA x 5, Lenovo, Dell x 5, Oracle x 5, GigaComputing; 7 Hopper: Dell x 3, Oracle x 2, QCT, SCITIX; 10 CDNA3: AMD x 2, Dell, Oracle, Supermicro, GigaComputing, QCT, MangoBoost x 3) and 15 of v6.0 (10 Blackwell: NVIDIA x 3, Cisco, GigaComputing x 2, HPE x 2, Netweb, Oracle; 5 CDNA4: AMD x 2, Cisco, GigaComputing, HPE); then 33 more v6.0 LoRA rows (24 Blackwell: HPE x 9, Supermicro x 7, QCT x 3, Dell x 2, Cisco, Inventec, ASUSTeK; 4 Hopper: Krai x 3, Cisco; 5 CDNA4: MiTAC x 3, Supermicro, vultr); then Dell's 6 v6.0 LoRA rows (4 Blackwell B300/GB300, 2 CDNA4 MI355X). RL (catalog/validation/rl.yaml): 23 out-of-sample NeMo-RL rows, 13 on H100 and
        // 10 on GB200; Llama 3.1 8B x 3 and Qwen3-32B x 3 dense, Qwen3-30B-A3B x 5, Qwen3-235B x 6 and DeepSeek-V3 x 6 MoE;
        // 14 colocated and 9 asynchronous; then the NeMo-RL v0.3 blog's phase table on H100: Qwen3-30B-A3B out of sample,
        // Llama 3.1 8B and 70B in sample; then 5 more table rows: 2 H100 FP8 (Llama 3.1 8B dense, DeepSeek-V3 MoE) and 3 GB200
        // (Llama 3.1 8B and Qwen3-32B dense, Qwen3-30B-A3B MoE), all asynchronous; then NVIDIA's B200 HybridEP report's 3 MoE
        // rows (Qwen3-30B-A3B x 2, Qwen3-235B) and NeMo-RL PR #2779's H100 DeepSeek-V3 baseline, all colocated; then the 10 H100
        // rows of NeMo-RL's v0.4 table (Llama 3.1 8B and Qwen3-32B dense, Qwen3-30B-A3B, Qwen3-235B and DeepSeek-V3 MoE, each
        // colocated and asynchronous), PR #2779's asynchronous DeepSeek-V3 baseline and a GB200 colocated Qwen3-32B baseline;
        // then 16 rows of the v0.7 table (9 H100: Qwen3-235B x 3, Qwen3-30B-A3B x 4, Qwen3-32B x 2; 7 GB200: Qwen3-235B x 3,
        // Qwen3-30B-A3B x 2, Qwen3-32B x 2; 9 colocated, 7 asynchronous; 4 dense), and its 7 DeepSeek-V3 rows with MTP drafts (4 H100, one of them FP8, and 3
        // GB200; 4 colocated, 3 asynchronous); then PR #2779's two H100 DeepSeek-V3 MTP runs (colocated, asynchronous); then
        // Miles' dense Qwen3.5-27B step on 8 H200 (colocated) and verl's V1 trainer's 3 Qwen3.5-35B-A3B MoE rows on H100 (1
        // colocated, 2 asynchronous).
        var s = ValidationSummaries.Of(ValidateWorkflow.Cases(CatalogStore.Default));
        var T = WorkloadKind.Training;
        var I = WorkloadKind.Inference;
        var R = WorkloadKind.Rl;
        var (oos, ins) = (ValidationTier.OutOfSample, ValidationTier.InSample);
        var expected = new (WorkloadKind W, ValidationTier T, string Group, int Cases)[]
        {
            (T, oos, "all", 357), (T, oos, "nvidia-hopper", 60), (T, oos, "nvidia-blackwell", 222), (T, oos, "nvidia-ampere", 8),
            (T, oos, "google-tpu", 13), (T, oos, "amd-cdna3", 24), (T, oos, "amd-cdna4", 30), (T, oos, "dense", 258), (T, oos, "moe", 99),
            (T, ins, "all", 16),
            (I, oos, "all", 200), (I, oos, "nvidia-hopper", 66), (I, oos, "nvidia-blackwell", 104), (I, oos, "amd-cdna3", 16), (I, oos, "amd-cdna4", 12),
            (I, oos, "google-tpu", 2), (I, oos, "dense", 118), (I, oos, "moe", 82),
            (I, ins, "all", 47), (I, ValidationTier.ProductionAverage, "all", 2),
            (R, oos, "all", 76), (R, oos, "nvidia-hopper", 49), (R, oos, "nvidia-blackwell", 27), (R, oos, "dense", 20), (R, oos, "moe", 56),
            (R, oos, "colocated", 43), (R, oos, "asynchronous", 33), (R, ins, "all", 2),
        };
        foreach (var e in expected)
            Assert.Equal(e.Cases, s.Single(x => x.Workload == e.W && x.Tier == e.T && x.Group == e.Group).Cases);
        // The report leads each workload with its whole out-of-sample tier.
        Assert.Equal((ValidationTier.OutOfSample, "all"), (s[0].Tier, s[0].Group));
        var firstInference = s.First(x => x.Workload == WorkloadKind.Inference);
        Assert.Equal((ValidationTier.OutOfSample, "all"), (firstInference.Tier, firstInference.Group));
    }

    [Fact]
    public void Production_averages_run_below_the_capacity_predicted_for_them()
    {
        // A day of real traffic runs below saturated capacity by design, so Augur's capacity figure must exceed it.
        var prod = ValidateWorkflow.Cases(CatalogStore.Default).Where(r => r.Case.Tier == ValidationTier.ProductionAverage).ToList();
        Assert.NotEmpty(prod);
        Assert.All(prod, r => Assert.True(r.Error > 0, $"{r.Case.Id} {r.Error:P1}"));
    }

    [Fact]
    public void Band_evidence_is_the_out_of_sample_tier_only()
    {
        var ids = ValidateWorkflow.Cases(CatalogStore.Default).Where(r => r.Case.Tier == ValidationTier.OutOfSample).Select(r => r.Case.Id).ToHashSet();
        Assert.Equal(ids, ErrorBandWorkflow.Of(CatalogStore.Default).Evidence.Select(e => e.Case).ToHashSet());
    }
}
