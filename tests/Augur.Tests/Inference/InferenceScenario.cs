using Augur.Catalog.Loading;
using Augur.Domain.Workloads;

namespace Augur.Tests.Inference;

/// <summary>A Llama 3.1 8B serving scenario on one DGX H100 GPU, 128 tokens in and out, read as a user's file is.</summary>
static class InferenceScenario
{
    /// <summary>The job with <paramref name="extra"/> (", key: value" pairs) added to its inference mapping.</summary>
    public static InferenceJob Read(string extra) => Scenarios.FromYaml($$"""
        workload: inference
        model: llama3.1-8b
        hardware: dgx-h100
        cluster: {gpus: 1}
        inference: {input_tokens: 128, output_tokens: 128{{extra}}}
        """).Inference!;
}
