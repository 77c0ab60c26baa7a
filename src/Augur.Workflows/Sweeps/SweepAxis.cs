using System.Globalization;
using Augur.Domain;

namespace Augur.Workflows.Sweeps;

/// <summary>
/// One varied scenario key and its values: a list (<c>cluster.gpus=1024,2048,4096</c>), a linear range
/// (<c>hardware.hbm_gb=80:320:40</c>, start:stop:step, stop included) or geometric steps
/// (<c>cluster.gpus=1024:16384*2</c>, start:stop*factor). Values are scenario text, so names vary too
/// (<c>hardware=h100-sxm,b200</c>).
/// </summary>
public sealed record SweepAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>Most values one axis may have: a grid is their product, and a million points is a day of searches.</summary>
    public const int MaxValues = 100_000;

    public static SweepAxis Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new InputException($"--vary '{text}': write key=values, e.g. cluster.gpus=1024,2048 or hardware.hbm_gb=80:320:40 or cluster.gpus=1024:16384*2");
        string key = text[..eq].Trim(), spec = text[(eq + 1)..].Trim();
        var values = spec.Contains(':') && !spec.Contains(',') ? Range(key, spec) : spec.Split(',').Select(v => v.Trim()).ToList();
        if (values.Count == 0 || values.Any(v => v.Length == 0)) throw new InputException($"--vary {key}: an empty value in '{spec}'");
        if (values.Distinct().Count() != values.Count) throw new InputException($"--vary {key}: a value is listed twice in '{spec}'");
        return new SweepAxis(key, values);
    }

    static List<string> Range(string key, string spec)
    {
        string[] parts = spec.Split(':');
        bool geometric = parts.Length == 2 && parts[1].Contains('*');
        if (!geometric && parts.Length != 3)
            throw new InputException($"--vary {key}: '{spec}' is neither start:stop:step nor start:stop*factor");
        double start = Number(key, parts[0]);
        double stop = Number(key, geometric ? parts[1][..parts[1].IndexOf('*')] : parts[1]);
        double by = Number(key, geometric ? parts[1][(parts[1].IndexOf('*') + 1)..] : parts[2]);
        if (stop < start) throw new InputException($"--vary {key}: the range {spec} is empty (stop below start)");
        if (geometric ? by <= 1 || start <= 0 : by <= 0)
            throw new InputException($"--vary {key}: {(geometric ? "a geometric range needs a positive start and a factor above 1" : "the step must be positive")}, got '{spec}'");
        double count = geometric ? Math.Floor(Math.Log(stop / start) / Math.Log(by) + 1e-9) + 1 : Math.Floor((stop - start) / by + 1e-9) + 1;
        if (count > MaxValues) throw new InputException(FormattableString.Invariant($"--vary {key}: '{spec}' has {count:0} values, more than {MaxValues:N0}; use a coarser step"));
        var values = new List<string>();
        for (int i = 0; i < (int)count; i++)
            values.Add((geometric ? start * Math.Pow(by, i) : start + i * by).ToString("G10", CultureInfo.InvariantCulture));
        return values;
    }

    static double Number(string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new InputException($"--vary {key}: '{text}' is not a number");
}
