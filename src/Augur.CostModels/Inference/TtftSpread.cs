using MathNet.Numerics.Distributions;

namespace Augur.CostModels.Inference;

/// <summary>
/// A percentile over requests of the time to first token under Poisson arrivals and continuous batching (aggregated).
/// An arriving prompt finds an iteration running (Poisson arrivals see time averages) and waits out its remainder,
/// uniform over the mean iteration h̄; its own prefill then runs in the next iteration beside the K prompts that arrived
/// in the meantime, K ~ Poisson(λ) for λ arrivals per iteration, each adding its stall p. So
/// P(TTFT ≤ base + x) = Σ_k P(K = k)·clamp((x − k·p)/h̄, 0, 1), solved for the percentile by bisection; base is the
/// no-queueing TTFT (the prompt's prefill beside the batch's decodes). Holds while the prompts of one iteration fit its
/// prefill budget (the sustainable batch, <c>InferenceModel.SustainableBatch</c>, keeps λ there).
/// </summary>
public static class TtftSpread
{
    /// <summary>The <paramref name="percentile"/>-th (0-100) percentile TTFT, seconds.</summary>
    /// <param name="baseTtft">No-queueing TTFT, seconds.</param>
    /// <param name="iterationSeconds">The mean iteration h̄ the arrival waits out part of.</param>
    /// <param name="arrivalsPerIteration">λ: prompts arriving per iteration.</param>
    /// <param name="stall">Time one more prompt adds to the iteration that prefills it, seconds.</param>
    public static double Percentile(double baseTtft, double iterationSeconds, double arrivalsPerIteration, double stall, double percentile)
    {
        double q = percentile / 100, lambda = Math.Max(0, arrivalsPerIteration), p = Math.Max(0, stall), h = Math.Max(0, iterationSeconds);
        // Counts beyond the 1 − 1e-12 point add nothing the bisection can see.
        var masses = new List<double>();
        double total = 0;
        do { double m = lambda > 0 ? Poisson.PMF(lambda, masses.Count) : masses.Count == 0 ? 1 : 0; masses.Add(m); total += m; }
        while (total < 1 - 1e-12 && masses.Count < lambda + 40 * Math.Sqrt(lambda) + 40);
        var mass = masses.ToArray();
        int most = mass.Length - 1;
        double Cdf(double x)
        {
            double sum = 0;
            for (int k = 0; k <= most; k++)
            {
                double rest = x - k * p;
                sum += mass[k] * (h > 0 ? Math.Clamp(rest / h, 0, 1) : rest >= 0 ? 1 : 0);
            }
            return sum;
        }
        double lo = 0, hi = h + most * p;
        if (!(hi > 0)) return baseTtft;
        for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(mid) < q) lo = mid; else hi = mid;
        }
        return baseTtft + (lo + hi) / 2;
    }
}
