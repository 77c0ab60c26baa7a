using MathNet.Numerics.Distributions;

namespace Augur.CostModels.Inference;

/// <summary>
/// How far a percentile of the per-request TPOT lies from its mean under Poisson arrivals and continuous batching.
/// MLPerf Inference's Server and Interactive scenarios bound the 99th percentile over requests of each request's
/// (finish − first token) / (tokens − 1) (mlcommons/inference@05a9cec loadgen/results.cc, ProcessTokenLatencies and
/// PerfConstraintsMet; *.Server.target_latency_percentile = 99 in loadgen/mlperf.conf @ 001712e), not the mean.
/// <para>
/// A request of n decode tokens lives L = n/y decode iterations. Every other request that arrives (Poisson, λ per
/// iteration of mean length h̄) adds to its time: the prefill stall p in the iteration that takes it, and s′ (the
/// decode step's growth per sequence in flight) in each iteration of its own life M = m/y + 1 (prefill and decodes).
/// Extra time draws extra arrivals (λ/h̄ a second), so each disturbance is fed back with a loop gain
/// ρ = (λ/h̄)·(p + s′·E[M]); the loop's response g (<see cref="Gain"/>) is worked out once, by recursion over time bins.
/// A request's excess X is then a linear functional of the Poisson arrival stream (a shot noise), whose cumulants are
/// κ_k = λ·Σ E_M[x(t, M)^k] over arrival bins t, x the arrival's stall and step growth seen through the loop and the
/// request's life (Campbell's theorem). Its distribution is the shifted gamma of those three cumulants, read through the
/// Wilson–Hilferty cube-root normal; the per-token excess X/n mixes over the output lengths (log-normal,
/// equal-probability nodes), and the percentile of the mixture is found by bisection. Both sources of spread the mean
/// hides come out of the one arrival stream: prompts joining during a request's life (a short request sees few, so
/// its share varies most) and the batch growing and shrinking around its mean (M/G/∞ fluctuations, slowed and
/// widened by the loop). No arrivals or no cost per arrival gives a spread of zero: the percentile equals the mean.
/// </para>
/// </summary>
public static class TpotSpread
{
    /// <summary>
    /// Output-length nodes when lengths vary: equal-probability bins of the log-normal, each at its median; this
    /// request's length sets the tail, the others' only their mean share of each time bin and their spread of growth.
    /// </summary>
    const int OwnNodes = 16, OtherNodes = 8;

    /// <summary>
    /// Percentile <paramref name="percentile"/> (0-100) of the per-request TPOT minus its mean, in seconds per token;
    /// +∞ when the load feeds itself without bound (ρ ≥ 1, see the class remarks).
    /// </summary>
    /// <param name="arrivalsPerIteration">λ: requests arriving per decode iteration of the replica (other than this one).</param>
    /// <param name="iterationSeconds">The mean iteration h̄; arrivals come λ/h̄ a second, so a longer iteration draws more.</param>
    /// <param name="stall">Replica time one arriving prompt's prefill adds to every sequence in flight, seconds.</param>
    /// <param name="stepSlope">Growth of the decode step per extra sequence in flight, seconds.</param>
    /// <param name="outputTokens">Mean output tokens per request (the first comes from prefill).</param>
    /// <param name="outputCv">Coefficient of variation of the output length (log-normal).</param>
    /// <param name="tokensPerStep">Tokens one decode step yields per sequence (speculative decoding), y.</param>
    public static double Excess(double arrivalsPerIteration, double iterationSeconds, double stall, double stepSlope, double outputTokens, double outputCv, double tokensPerStep, double percentile)
    {
        if (!(arrivalsPerIteration > 0) || (stall <= 0 && stepSlope <= 0) || outputTokens <= 1) return 0;
        var lengths = Lengths(outputTokens, outputCv, OwnNodes);
        // Lives in iterations: this request's decodes, n/y; another's, its prefill iteration and its decodes.
        var others = Lengths(outputTokens, outputCv, OtherNodes);
        double meanOther = 0, longest = 0;
        for (int i = 0; i < others.Length; i++)
        {
            others[i] = Math.Max(0, others[i] - 1) / tokensPerStep + 1;
            meanOther += others[i] / others.Length;
        }
        foreach (double o in lengths) longest = Math.Max(longest, Math.Max(0, o - 1) / tokensPerStep + 1);
        foreach (double m in others) longest = Math.Max(longest, m);
        double perSecond = double.IsFinite(iterationSeconds) && iterationSeconds > 0 ? arrivalsPerIteration / iterationSeconds : 0;
        double rho = perSecond * (stall + stepSlope * meanOther);
        if (rho >= 1) return double.PositiveInfinity;

        // Time in bins of Δ iterations, long enough for a disturbance to die out (it shrinks by ρ each mean life).
        double horizon = longest + meanOther * Math.Ceiling(10 / (1 - rho));
        double delta = Math.Max(1, Math.Ceiling(horizon / Bins));
        int h = (int)Math.Ceiling(horizon / delta), lifeBins = (int)Math.Ceiling(longest / delta) + 1;
        var gain = Gain(h, delta, perSecond, stall, stepSlope, others);
        var prefix = new double[h + 1];
        for (int k = 0; k < h; k++) prefix[k + 1] = prefix[k] + gain[k];

        var nodes = new List<(double Mean, double Var, double Third)>(lengths.Length);
        var window = new double[h + lifeBins + 1];
        var windowPrefix = new double[window.Length + 1];
        foreach (double o in lengths)
        {
            double n = o - 1;
            if (n < 1) continue; // a one-token request has no TPOT
            Window(n / tokensPerStep / delta, h, gain, prefix, window);
            for (int t = 0; t < window.Length; t++) windowPrefix[t + 1] = windowPrefix[t] + window[t];
            double k1 = 0, k2 = 0, k3 = 0;
            for (int t = 0; t < window.Length; t++)
                foreach (double m in others)
                {
                    // One arrival in bin t (h bins before this request's first decode is 0) adds its stall there and
                    // its step growth over its life, each seen through the window.
                    double x = stall * window[t] + stepSlope * delta * Integral(windowPrefix, window, t, t + m / delta);
                    k1 += x; k2 += x * x; k3 += x * x * x;
                }
            double w = arrivalsPerIteration * delta / others.Length;
            nodes.Add((w * k1 / n, w * k2 / (n * n), w * k3 / (n * n * n)));
        }
        if (nodes.Count == 0) return 0;
        double mean = 0, hi = 0;
        foreach (var x in nodes) { mean += x.Mean; hi = Math.Max(hi, x.Mean + 8 * Math.Sqrt(x.Var)); }
        mean /= nodes.Count;
        double q = percentile / 100;
        while (Cdf(nodes, hi) < q) hi *= 2;
        double lo = 0;
        for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(nodes, mid) < q) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2 - mean;
    }

    /// <summary>Most time bins; beyond it a bin spans several iterations.</summary>
    const int Bins = 256;

    /// <summary>
    /// The closed loop's response, per bin, to one unit of extra iteration time in bin 0: extra time draws extra
    /// arrivals (rate × time), each stalling its bin by p and lengthening the step by s′ over its life, which draws
    /// more. g = δ + K∗g with K(0) = rate·p + rate·Δ·s′·E[share of bin 0 lived], K(k) = rate·Δ·s′·E[share of bin k lived].
    /// </summary>
    static double[] Gain(int h, double delta, double perSecond, double stall, double slope, double[] lives)
    {
        var kernel = new double[h];
        for (int k = 0; k < h; k++)
        {
            double share = 0;
            foreach (double m in lives) share += Math.Clamp(m / delta - k, 0, 1);
            kernel[k] = perSecond * delta * slope * share / lives.Length + (k == 0 ? perSecond * stall : 0);
        }
        var g = new double[h];
        for (int i = 0; i < h; i++)
        {
            double sum = i == 0 ? 1 : 0;
            for (int j = 0; j < i; j++) sum += kernel[i - j] * g[j];
            g[i] = sum / (1 - kernel[0]);
        }
        return g;
    }

    /// <summary>
    /// How much of one unit of extra iteration time in bin t ends up inside a life of <paramref name="life"/> bins that
    /// starts at bin h, directly and through the loop: Σ_i c_i·g(i − t), c_i the share of life bin i lived.
    /// </summary>
    static void Window(double life, int h, double[] gain, double[] prefix, double[] window)
    {
        int full = (int)Math.Floor(life);
        double part = life - full;
        for (int t = 0; t < window.Length; t++)
        {
            int start = t - h; // the disturbance's bin relative to the first life bin
            int first = Math.Max(0, start);
            double sum = full > first ? Prefix(prefix, full - start) - Prefix(prefix, first - start) : 0;
            if (part > 0 && full >= start && full - start < gain.Length) sum += part * gain[full - start];
            window[t] = sum;
        }
    }

    static double Prefix(double[] prefix, int k) => prefix[Math.Clamp(k, 0, prefix.Length - 1)];

    /// <summary>∫ of the piecewise-constant window from bin position <paramref name="from"/> to <paramref name="to"/>.</summary>
    static double Integral(double[] prefix, double[] window, double from, double to) => At(prefix, window, to) - At(prefix, window, from);

    static double At(double[] prefix, double[] window, double x)
    {
        if (x <= 0) return 0;
        if (x >= window.Length) return prefix[^1];
        int i = (int)Math.Floor(x);
        return prefix[i] + (x - i) * window[i];
    }

    /// <summary>Share of requests whose per-token excess is at most <paramref name="z"/>: the mean of the nodes' CDFs.</summary>
    static double Cdf(List<(double Mean, double Var, double Third)> nodes, double z)
    {
        double sum = 0;
        foreach (var x in nodes) sum += ShiftedGammaCdf(x.Mean, x.Var, x.Third, z);
        return sum / nodes.Count;
    }

    /// <summary>
    /// CDF at <paramref name="z"/> of the shifted gamma with cumulants (κ1, κ2, κ3): shape α = 4/γ², scale θ = σγ/2 for
    /// skewness γ = κ3/σ³, shift κ1 − αθ; the gamma's CDF by Wilson–Hilferty, Φ(3√α·((g/α)^⅓ − 1 + 1/(9α))). Normal
    /// without skew, a step without spread.
    /// </summary>
    internal static double ShiftedGammaCdf(double mean, double variance, double third, double z)
    {
        if (!(variance > 0)) return z >= mean ? 1 : 0;
        double sd = Math.Sqrt(variance), skew = third / (sd * sd * sd);
        if (!(skew > 1e-9)) return Normal.CDF(0, 1, (z - mean) / sd);
        double alpha = 4 / (skew * skew), theta = sd * skew / 2;
        double g = (z - mean) / theta + alpha;
        if (g <= 0) return 0;
        return Normal.CDF(0, 1, 3 * Math.Sqrt(alpha) * (Math.Cbrt(g / alpha) - 1 + 1 / (9 * alpha)));
    }

    /// <summary>Output lengths at <paramref name="count"/> equal-probability nodes of the log-normal of this mean and cv; the mean alone when fixed.</summary>
    static double[] Lengths(double mean, double cv, int count)
    {
        if (cv <= 0) return [mean];
        double s2 = Math.Log(1 + cv * cv), mu = Math.Log(mean) - s2 / 2, s = Math.Sqrt(s2);
        var nodes = new double[count];
        for (int i = 0; i < count; i++) nodes[i] = Math.Exp(mu + s * Normal.InvCDF(0, 1, (i + 0.5) / count));
        return nodes;
    }
}
