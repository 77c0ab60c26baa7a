using System.Globalization;

namespace Augur.Domain;

/// <summary>
/// The largest (and smallest) values Augur accepts, each far beyond any real job but small enough that sizes,
/// loops and memory stay bounded and every product of degrees fits a 32-bit integer.
/// </summary>
public static class InputLimits
{
    /// <summary>Largest file read (scenario, config.json, catalog entry): 16 MiB; a HuggingFace config.json is a few KB.</summary>
    public const long MaxFileBytes = 16L << 20;

    /// <summary>Largest request trace: 256 MiB, about ten million CSV rows.</summary>
    public const long MaxTraceBytes = 256L << 20;

    /// <summary>Deepest nesting of mappings and lists in a file; scenarios nest three levels.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Most values a file may hold once its YAML aliases are expanded; bounds alias bombs.</summary>
    public const long MaxValues = 1_000_000;

    /// <summary>Largest cluster: 2^20 = 1,048,576 GPUs, several times the largest announced training clusters.</summary>
    public const int MaxGpus = 1 << 20;

    /// <summary>Most layers, heads, experts or KV heads: 65,536, over a hundred times any published model (DeepSeek-V3: 256 experts).</summary>
    public const int MaxModelCount = 1 << 16;

    /// <summary>Widest hidden size, FFN, head dimension or latent rank: 2^22, over a hundred times any published model.</summary>
    public const int MaxModelWidth = 1 << 22;

    /// <summary>Largest MoE capacity factor: 64 slots per routed copy, fifty times the 1.0-1.25 MaxText's recipes use.</summary>
    public const double MaxCapacityFactor = 64;

    /// <summary>Largest vocabulary: 2^24 tokens, a hundred times the largest shipped tokenizers (~256 K).</summary>
    public const int MaxVocab = 1 << 24;

    /// <summary>Longest prompt, output or training sequence: 100 M tokens, far beyond any context window.</summary>
    public const int MaxSequenceTokens = 100_000_000;

    /// <summary>Largest global batch or concurrency: 2^24 sequences (Llama 3 405B trained on 2,048-sequence batches).</summary>
    public const int MaxSequences = 1 << 24;

    /// <summary>Largest token budget: 10^17, several thousand times the largest published pretraining runs (~36 T tokens).</summary>
    public const double MaxTrainingTokens = 1e17;

    /// <summary>Largest FLOP budget: 10^32, a million times the largest training runs estimated to date (~5e26).</summary>
    public const double MaxFlops = 1e32;

    /// <summary>Slowest link accepted: 0.001 GB/s (1 MB/s); anything slower is not a GPU interconnect.</summary>
    public const double MinBandwidthGBps = 1e-3;

    /// <summary>Fastest link accepted: 10^6 GB/s per GPU, over a hundred times NVLink 5 (900 GB/s).</summary>
    public const double MaxBandwidthGBps = 1e6;

    /// <summary>Memory of one hypothetical accelerator: 1 MB to 10^6 GB, thousands of times any HBM stack today (288 GB).</summary>
    public const double MaxHbmGB = 1e6;

    /// <summary>Memory bandwidth of one hypothetical accelerator: 1 GB/s to 10^4 TB/s, a thousand times HBM3E parts (8 TB/s).</summary>
    public const double MaxHbmTBps = 1e4;

    /// <summary>Dense peak of one hypothetical accelerator: up to 10^7 TFLOP/s, a thousand times today's FP4 peaks.</summary>
    public const double MaxTflops = 1e7;

    /// <summary>Largest price per GPU-hour: $10,000, far above any rental or amortised purchase.</summary>
    public const double MaxUsdPerGpuHour = 1e4;

    /// <summary>Largest power usage effectiveness: 5; real data centres run between 1.05 and about 2.</summary>
    public const double MaxPue = 5;

    /// <summary>Longest time span (MTBF, checkpoint, restart, trace arrival): 10^9 s, about 32 years.</summary>
    public const double MaxSeconds = 1e9;

    /// <summary>Most requests one simulation replays or generates: 10^6 (a day of a busy service at about 12 requests/s).</summary>
    public const int MaxSimulatedRequests = 1_000_000;

    /// <summary>Most tokens one simulation may generate (requests × output tokens): 10^8, a few minutes of event work.</summary>
    public const double MaxSimulatedTokens = 1e8;

    /// <summary>Most serving replicas one simulation tracks: 65,536.</summary>
    public const int MaxSimulatedReplicas = 1 << 16;

    /// <summary>One-line message for a value outside [min, max].</summary>
    public static string OutOfRange(string where, double value, double min, double max, string reason) =>
        $"{where}: {Show(value)} is out of range; use {Show(min)} to {Show(max)} ({reason})";

    /// <summary>Whole numbers in full up to 10^15, anything else in six significant digits.</summary>
    public static string Show(double v) =>
        v.ToString(v == Math.Floor(v) && Math.Abs(v) < 1e15 ? "0" : "G6", CultureInfo.InvariantCulture);

    /// <summary>Throws unless <paramref name="value"/> is in [min, max].</summary>
    public static double Check(string where, double value, double min, double max, string reason) =>
        value >= min && value <= max ? value : throw new InputException(OutOfRange(where, value, min, max, reason));
}
