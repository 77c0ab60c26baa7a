using Augur.Catalog.Files;
using Augur.Catalog.Loading;
using Augur.CostModels.Analysis;
using Augur.Domain;
using Augur.Domain.Hardware;
using Augur.Domain.Models;
using Augur.Units;

namespace Augur.Workflows.Claims;

/// <summary>A vendor's serving-throughput claim with the setup it was made under and what the vendor states of its chip.</summary>
public sealed record Claim
{
    public required string Text { get; init; }
    public required ModelSpec Model { get; init; }
    public required int Chips { get; init; }
    public required double TokensPerSecond { get; init; }
    public required int InputTokens { get; init; }
    public required int OutputTokens { get; init; }
    public required Precision Precision { get; init; }
    public required Precision KvPrecision { get; init; }
    public required string HardwareName { get; init; }
    public required Bytes HbmPerChip { get; init; }
    /// <summary>Stated HBM bandwidth per chip; null when the vendor gives none.</summary>
    public Bandwidth? HbmBandwidth { get; init; }
    /// <summary>Stated dense peak per chip at the claim's precision; null when the vendor gives none.</summary>
    public FlopRate? Peak { get; init; }
    /// <summary>Fraction of peak the vendor says the chip sustains; null when not stated.</summary>
    public double? Utilization { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
}

/// <summary>A reference accelerator beside the requirement: how many times its dense peak and HBM bandwidth the claim needs.</summary>
public sealed record ClaimComparison(string Accelerator, double TimesPeak, double TimesHbmBandwidth);

/// <param name="Readings">The requirement read two ways: claimed tokens counting prompts too, and output tokens only.</param>
public sealed record ClaimOutcome(Claim Claim, IReadOnlyList<ClaimRequirement> Readings, IReadOnlyList<IReadOnlyList<ClaimComparison>> Comparisons);

/// <summary>
/// <c>claim</c>: what a throughput claim requires per chip (FLOP/s, HBM bytes/s, and which phase carries it), read
/// both ways the word "tokens" is used, beside what the vendor states and beside today's GPUs at the same precision.
/// </summary>
public static class ClaimWorkflow
{
    /// <summary>GPUs every claim is set beside.</summary>
    public static readonly string[] References = ["h100-sxm", "b200", "b300"];

    public static ClaimOutcome Run(Claim c, CatalogStore catalog)
    {
        var readings = new[] { true, false }.Select(counts => ClaimRoofline.Require(c.Model, c.Precision, c.KvPrecision, c.Chips,
            c.TokensPerSecond, c.InputTokens, c.OutputTokens, counts, c.HbmPerChip)).ToList();
        var comparisons = readings.Select(r => (IReadOnlyList<ClaimComparison>)References.Select(catalog.Accelerator)
            .Where(a => a.Supports(c.Precision))
            .Select(a => new ClaimComparison(a.Id, r.FlopsPerSecondPerChip.PerSecond / a.Peak(c.Precision).PerSecond,
                r.DecodeBytesPerSecondPerChip / a.HbmBandwidth)).ToList()).ToList();
        return new ClaimOutcome(c, readings, comparisons);
    }

    static readonly string[] Keys = ["claim", "model", "chips", "tokens_per_s", "input_tokens", "output_tokens", "precision", "kv_precision", "hardware", "utilization", "sources", "notes"];

    public static Claim Read(CatalogStore catalog, string path)
    {
        if (DataReader.ReadFile(path) is not MappingNode n) throw new InputException($"{path}: expected a mapping with claim, model, chips, tokens_per_s, input_tokens, output_tokens");
        n.RequireOnly(Keys);
        var hw = n.Mapping("hardware");
        hw.RequireOnly("name", "hbm_gb", "hbm_tb_s", "dense_tflops");
        int chips = n.Integer("chips"), input = n.Integer("input_tokens"), output = n.Integer("output_tokens");
        double tokens = n.Number("tokens_per_s"), hbm = hw.Number("hbm_gb");
        if (chips < 1 || input < 1 || output < 1 || tokens <= 0 || hbm <= 0)
            throw new InputException($"{path}: chips, input_tokens, output_tokens, tokens_per_s and hardware.hbm_gb must be positive");
        double? utilization = n.OptionalNumber("utilization");
        if (utilization is <= 0 or > 1) throw new InputException($"{n.Path}.utilization: must be in (0, 1]");
        var model = new ScenarioReader(catalog).ReadModelName(n.String("model"), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        return new Claim
        {
            Text = n.String("claim"),
            Model = model,
            Chips = chips,
            TokensPerSecond = tokens,
            InputTokens = input,
            OutputTokens = output,
            Precision = Precision(n, "precision", "fp8"),
            KvPrecision = Precision(n, "kv_precision", n.OptionalString("precision") ?? "fp8"),
            HardwareName = hw.String("name"),
            HbmPerChip = Bytes.FromGB(hbm),
            HbmBandwidth = hw.OptionalNumber("hbm_tb_s") is { } bw ? Bandwidth.FromTBps(bw) : null,
            Peak = hw.OptionalNumber("dense_tflops") is { } tf ? FlopRate.FromTflops(tf) : null,
            Utilization = utilization,
            Sources = HardwareReader.Sources(n),
        };
    }

    static Precision Precision(MappingNode n, string key, string fallback)
    {
        string text = n.OptionalString(key) ?? fallback;
        return PrecisionInfo.TryParse(text, out var p) ? p : throw new InputException($"{n.Path}.{key}: unknown precision '{text}'; use bf16, fp16, fp8 or fp4");
    }
}
