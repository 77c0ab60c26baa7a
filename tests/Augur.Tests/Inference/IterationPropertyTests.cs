using Augur.CostModels.Inference;
using FsCheck.Xunit;

namespace Augur.Tests.Inference;

/// <summary>An iteration never gets cheaper when it is given more work, whatever the layout.</summary>
public class IterationPropertyTests
{
    static readonly (string Model, string Hardware, int Gpus)[] Deployments =
    [
        ("deepseek-v3", "hgx-h800", 64), ("deepseek-v3", "h100-sxm", 32), ("deepseek-v3", "gb200-nvl72", 72),
        ("llama3.1-70b", "dgx-h100", 16), ("mixtral-8x7b", "dgx-h100", 8), ("qwen3-30b-a3b", "h100-sxm", 16),
    ];

    [Property(MaxTest = 100)]
    public void More_prompt_tokens_or_more_decoding_sequences_never_make_a_pass_cheaper(int seed)
    {
        var random = new Random(seed);
        var (model, hardware, gpus) = Deployments[random.Next(Deployments.Length)];
        var s = Scenarios.FromYaml($"workload: inference\nmodel: {model}\nhardware: {hardware}\ncluster: {{gpus: {gpus}}}\nprecision: fp8\n" +
                                   "inference: {input_tokens: 2000, output_tokens: 200}\n");
        var m = Scenarios.Inference(s);
        bool moe = s.Model.Moe is not null;
        int tp = 1 << random.Next(0, 3), pp = 1 << random.Next(0, 2), dpa = moe ? 1 << random.Next(0, 4) : 1;
        // Any expert-parallel degree dividing the stage's GPUs and the experts (the rest shard each expert).
        int[] eps = moe ? Enumerable.Range(1, tp * dpa).Where(e => tp * dpa % e == 0 && s.Model.Moe!.Experts % e == 0).ToArray() : [1];
        int ep = eps[random.Next(eps.Length)];
        var layout = new InferenceLayout(Tp: tp, Pp: pp, Ep: ep, DpAttention: dpa, Replicas: 1);
        if (layout.Validate(s.Model, gpus) is not null) return;

        double prompts = random.Next(0, 4), promptTokens = prompts * random.Next(1, 4000);
        double decodes = random.Next(0, 8192), context = random.Next(1, 8000), extra = random.Next(1, 65);
        var baseCost = m.Iteration(layout, promptTokens, promptTokens * promptTokens / 2, decodes, decodes * context, prompts);
        var morePrompt = m.Iteration(layout, promptTokens + extra, (promptTokens + extra) * (promptTokens + extra) / 2, decodes, decodes * context, Math.Max(1, prompts));
        int moreSequences = random.Next(1, 65);
        var moreDecode = m.Iteration(layout, promptTokens, promptTokens * promptTokens / 2, decodes + moreSequences, (decodes + moreSequences) * context, prompts);
        Assert.True(morePrompt.Total.Value >= baseCost.Total.Value * (1 - 1e-12), $"{model} tp{tp} pp{pp} ep{ep} dpa{dpa}: +{extra} prompt tokens {morePrompt.Total.Value} < {baseCost.Total.Value}");
        Assert.True(moreDecode.Total.Value >= baseCost.Total.Value * (1 - 1e-12), $"{model} tp{tp} pp{pp} ep{ep} dpa{dpa}: +{moreSequences} sequences {moreDecode.Total.Value} < {baseCost.Total.Value}");
    }
}
