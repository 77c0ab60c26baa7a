using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Units;
using Augur.Workflows.Claims;

namespace Augur.Tests.Claims;

public class ClaimTests
{
    static ClaimRequirement Sohu(bool countsInput) => ClaimRoofline.Require(CatalogStore.Default.Model("llama3.1-70b").Spec, Precision.FP8, Precision.FP8,
        chips: 8, tokensPerSecond: 500_000, input: 2048, output: 128, countsInput, Bytes.FromGB(144));

    [Fact]
    public void The_sohu_claim_needs_about_nine_petaflops_per_chip_counting_prompts()
    {
        // By hand: 500,000 / (2048 + 128) = 229.8 requests/s. Llama 3.1 70B's forward pass is ~2 x 70.6e9 = 141 GFLOP per
        // token plus attention (2 x 64 heads x 256 x 80 layers = 2.6 MFLOP per attended token): prefill 2048 x (141e9 +
        // 1024 x 2.6e6) = 2.95e14, decode 128 x (141e9 + 2112 x 2.6e6) = 1.88e13 FLOPs per request; x 229.8 / 8 chips
        // = 9.0e15 FLOP/s per chip, 94% of it in prefill.
        var r = Sohu(countsInput: true);
        Assert.Equal(229.8, r.RequestsPerSecond, 0.1);
        Assert.InRange(r.FlopsPerSecondPerChip.Tflops, 8700, 9100);
        Assert.InRange(r.PrefillShare, 0.93, 0.95);
        // Batch: (8 x 144 GB - 70.6 GB of FP8 weights) / (163,840 B of FP8 KV per token x 2176 tokens) = 3,033 sequences.
        Assert.InRange(r.Batch, 3000, 3060);
        // Decode: 29,400 output tokens/s x (70.6 GB / 3,033 + 163,840 B x 2112) / 8 chips = 1.36 TB/s per chip.
        Assert.InRange(r.DecodeBytesPerSecondPerChip.TBps, 1.30, 1.42);
    }

    [Fact]
    public void Counting_output_tokens_only_needs_seventeen_times_more()
    {
        // Each output token then carries 2048 / 128 = 16 prompt tokens too: (2048 + 128) / 128 = 17 times the requests.
        Assert.Equal(17, Sohu(false).FlopsPerSecondPerChip.PerSecond / Sohu(true).FlopsPerSecondPerChip.PerSecond, 1e-9);
    }

    [Fact]
    public void The_shipped_sample_reads_and_sets_the_claim_beside_todays_gpus()
    {
        var c = ClaimWorkflow.Read(CatalogStore.Default, Scenarios.Repo("samples/sohu-claim.yaml"));
        Assert.NotEmpty(c.Sources);
        var o = ClaimWorkflow.Run(c, CatalogStore.Default);
        // B200's FP8 dense peak is 4,500 TFLOP/s: about 9,000 / 4,500 = 2 of them per chip.
        var b200 = o.Comparisons[0].Single(x => x.Accelerator == "b200");
        Assert.InRange(b200.TimesPeak, 1.9, 2.05);
    }

    [Fact]
    public void A_claim_with_no_tokens_is_refused()
    {
        string p = Path.Combine(Directory.CreateTempSubdirectory().FullName, "c.yaml");
        File.WriteAllText(p, "claim: x\nmodel: llama3.1-70b\nchips: 8\ntokens_per_s: 0\ninput_tokens: 1\noutput_tokens: 1\nhardware: {name: a, hbm_gb: 80}\n");
        Assert.Throws<InputException>(() => ClaimWorkflow.Read(CatalogStore.Default, p));
    }
}
