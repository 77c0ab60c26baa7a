namespace Augur.CostModels.Uncertainty;

/// <summary>
/// The range of signed error ((predicted − measured) / measured) a prediction is expected to carry, and the evidence
/// it rests on. An error e means measured = predicted / (1 + e): a throughput's band is predicted / (1 + High) to
/// predicted / (1 + Low), a time's (its inverse) predicted · (1 + Low) to predicted · (1 + High).
/// </summary>
public sealed record ErrorBand(double LowError, double HighError, string Basis)
{
    public bool Holds(double error) => error >= LowError && error <= HighError;

    /// <summary>
    /// Where the measured values of the band's cases lay against their predictions: "slower" when every one ran
    /// slower than predicted (the whole range lies on the slow side of the estimate, so the estimate itself is
    /// optimistic), "faster" when every one ran faster, "both" when they straddle it.
    /// </summary>
    public string MeasuredVsEstimate => LowError > 0 ? "slower" : HighError < 0 ? "faster" : "both";

    public (double Low, double High) Throughput(double predicted) => (predicted / (1 + HighError), predicted / (1 + LowError));

    public (double Low, double High) Time(double predicted) => (predicted * (1 + LowError), predicted * (1 + HighError));
}

/// <summary>
/// How often bands held the measured value of cases left out of their basis: each case alone (leave-one-out), and each
/// with every case of its publication.
/// </summary>
public sealed record BandCoverage(string Workload, int Cases, int Held, int HeldWithoutPublication)
{
    public double Fraction => Cases == 0 ? 0 : (double)Held / Cases;
    public double FractionWithoutPublication => Cases == 0 ? 0 : (double)HeldWithoutPublication / Cases;
}

/// <summary>One out-of-sample case beside the band computed without it.</summary>
public sealed record LeftOut(BandEvidence Evidence, ErrorBand? Band)
{
    public bool Held => Band is { } b && b.Holds(Evidence.Error);
}
