using System.Globalization;
using System.Text;
using Augur.Catalog.Loading;
using Augur.CostModels.Validation;
using Augur.Domain.Workloads;

namespace Augur.Tests.Inference;

public class InferenceValidationTests
{
    /// <summary>The inference cases of one tier on one hardware family.</summary>
    static IReadOnlyList<ValidationResult> RunAll(ValidationTier tier, string family = "nvidia-hopper")
    {
        var store = CatalogStore.Default;
        return ValidationReader.Read(store)
            .Where(c => c.Scenario.Workload == WorkloadKind.Inference && c.Tier == tier && c.Scenario.Cluster.Accelerator.Family == family)
            .Select(c => Augur.Workflows.ValidateWorkflow.Run(c, store))
            .ToList();
    }

    [Fact]
    public void Corpus_loads_all_inference_cases_and_training_cases_still_read()
    {
        var cases = ValidationReader.Read(CatalogStore.Default);
        // 148, then 11 more: 4 MLPerf v5.1 rows on H200 (Mixtral and Llama 2 70B), 2 vLLM rows on TPU v6e, 5 SGLang rows on H200;
        // then 23 MLPerf v5.1/v6.0 rows from other submitters (14 Blackwell, 4 H200, 2 MI300X, 3 MI350X);
        // then 20 Llama 4 Scout rows of the TensorRT-LLM table on B200 and GB200;
        // then 31 InferenceX DeepSeek-R1 FP8 rows (5 MI300X, 4 MI325X, 5 MI355X, 7 H200, 8 B200, 2 B300);
        // then 6 vLLM rows on one H100 (2 MLPerf v5.1 Red Hat Llama 3.1 8B, 4 from the vLLM FP8 KV-cache blog post);
        // then 10 SGLang Qwen3.6 cookbook rows (Gated DeltaNet, one GPU: 2 H200, 4 B200, 4 B300).
        Assert.Equal(249, cases.Count(c => c.Scenario.Workload == WorkloadKind.Inference));
        var training = cases.Where(c => c.Scenario.Workload == WorkloadKind.Training).ToList();
        Assert.NotEmpty(training);
        foreach (var c in training) // the training validator still runs on the shared corpus
            Assert.True(TrainingValidator.Run(c, CatalogStore.Default.Calibration(c.Scenario.Cluster.Accelerator)).PredictedTokensPerGpu > 0, c.Id);
    }

    [Fact]
    public void The_hopper_serving_fit_reproduces_its_cases()
    {
        // The in-sample Hopper cases: the 26 serving_iteration_overhead_ms was fitted to, and 2 H200 Gated DeltaNet rows
        // whose scenario and SGLang's state pool came after their errors were seen: mean <= 10 %, none worse than 30 %.
        // DeepSeek's production averages are a tier of their own (measurement: production-average).
        var results = RunAll(ValidationTier.InSample);
        Assert.Equal(28, results.Count);
        var sb = new StringBuilder();
        foreach (var r in results)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Case.Id}\t{r.PredictedTokensPerGpu:0.0}\t{r.MeasuredTokensPerGpu:0.0}\t{r.Error * 100:+0.0;-0.0}%"));
        double mape = results.Average(r => Math.Abs(r.Error));
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"MAPE {mape * 100:0.0}%"));
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "augur-inference-validation.tsv"), sb.ToString());
        Assert.All(results, r => Assert.True(double.IsFinite(r.PredictedTokensPerGpu) && r.PredictedTokensPerGpu > 0, r.Case.Id));
        Assert.True(mape <= 0.10, $"MAPE {mape:P1}");
        foreach (var r in results) Assert.True(Math.Abs(r.Error) <= 0.30, $"{r.Case.Id} {r.Error:P1}");
    }

    [Fact]
    public void Dense_models_on_hopper_out_of_sample_validate_like_the_fit()
    {
        // The rest of the TensorRT-LLM table, added after the last Hopper parameter change: Llama 3.1 8B and 3.3 70B on
        // H200 (TP1), 405B on H100 and H200 (TP8), ten ISL/OSL pairs each.
        // Measured: MAPE 9.0%, every case within 26% (worst +25.6%, 405B on H100 at 128/4096) since the cases run
        // trtllm-bench's own batch and token sizing (their prefill budget, hence activation workspace, is smaller than
        // the fixed 8192 it replaced, leaving more KV room); with the fixed 1024 / 8192 it was 8.7%, worst +22.2%. Since each
        // row is served as the burst trtllm-bench queues (inference.requests, as augur validate runs it): MAPE 7.2%, worst
        // +20.9% (405B on H100 at 1000/2000).
        // The table's rows are the Hopper cases run with its own tool (engine trtllm-bench); the other out-of-sample Hopper
        // serving cases (MLPerf on TensorRT-LLM's harness, SGLang, Mixtral) are reported by augur validate, not held to this.
        var dense = RunAll(ValidationTier.OutOfSample).Where(r => r.Case.Scenario.Inference!.Limits.Engine == "trtllm-bench").ToList();
        Assert.Equal(40, dense.Count);
        Assert.True(dense.Average(r => Math.Abs(r.Error)) <= 0.10, $"MAPE {dense.Average(r => Math.Abs(r.Error)):P1}");
        Assert.All(dense, r => Assert.True(Math.Abs(r.Error) <= 0.30, $"{r.Case.Id} {r.Error:P1}"));
    }

    [Fact]
    public void Every_inference_case_is_a_deployable_layout()
    {
        foreach (var c in ValidationReader.Read(CatalogStore.Default).Where(c => c.Scenario.Workload == WorkloadKind.Inference))
        {
            var l = InferenceValidator.LayoutFor(c.Scenario);
            Assert.Null(l.Validate(c.Scenario.Model, c.Scenario.Cluster.Gpus));
            Assert.Null(l.ValidatePools(c.Scenario.Inference!, c.Scenario.Cluster.Gpus));
        }
    }
}
