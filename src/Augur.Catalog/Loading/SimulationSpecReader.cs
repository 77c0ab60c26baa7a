using System.Globalization;
using Augur.Catalog.Files;
using Augur.Domain;
using Augur.Domain.Workloads;

namespace Augur.Catalog.Loading;

/// <summary>Reads the optional <c>simulation:</c> section of a scenario into a <see cref="SimulationSpec"/>.</summary>
public static class SimulationSpecReader
{
    static readonly string[] Keys = ["requests", "arrival", "rate_per_s", "cv", "trace", "seed", "max_batch", "chunk_tokens", "routing", "input_spread", "output_spread"];

    /// <param name="m">The section.</param>
    /// <param name="baseDirectory">Directory of the scenario file; a relative trace path is resolved against it. Null when no file may be read.</param>
    public static SimulationSpec Read(MappingNode m, string? baseDirectory)
    {
        m.RequireOnly(Keys);
        string? trace = m.OptionalString("trace");
        if (trace is not null && baseDirectory is null)
            throw new InputException($"{m.Path}.trace: no file is read here; leave trace and arrival: trace out and let requests be generated (requests, arrival: poisson or gamma, rate_per_s)");
        var arrival = (m.OptionalString("arrival") ?? (trace is null ? "poisson" : "trace")).ToLowerInvariant() switch
        {
            "poisson" => ArrivalKind.Poisson,
            "gamma" => ArrivalKind.Gamma,
            "trace" => ArrivalKind.Trace,
            "burst" => ArrivalKind.Burst,
            var a => throw new InputException($"{m.Path}.arrival: unknown arrival process '{a}'; use poisson, gamma, trace or burst"),
        };
        if (arrival == ArrivalKind.Burst && m.Has("rate_per_s"))
            throw new InputException($"{m.Path}.rate_per_s: not used with arrival: burst (every request is queued at t = 0)");
        if (arrival == ArrivalKind.Trace)
        {
            if (trace is null) throw new InputException($"{m.Path}.trace: arrival: trace needs a CSV file (arrival_s,input_tokens,output_tokens)");
            foreach (var key in new[] { "requests", "rate_per_s", "cv", "input_spread", "output_spread" })
                if (m.Has(key)) throw new InputException($"{m.Path}.{key}: not used with arrival: trace (the trace gives every arrival and length)");
        }
        else if (trace is not null) throw new InputException($"{m.Path}.trace: only used with arrival: trace, but arrival is {arrival.ToString().ToLowerInvariant()}");
        if (arrival != ArrivalKind.Gamma && m.Has("cv")) throw new InputException($"{m.Path}.cv: only used with arrival: gamma");

        var spec = new SimulationSpec
        {
            Requests = Positive(m, "requests") ?? 1000,
            Arrival = arrival,
            RatePerSecond = PositiveNumber(m, "rate_per_s"),
            Cv = PositiveNumber(m, "cv") ?? 2,
            TracePath = trace is null ? null : Path.GetFullPath(Path.IsPathRooted(trace) ? trace : Path.Combine(baseDirectory!, trace)),
            Seed = m.OptionalInteger("seed", 0, int.MaxValue, "a non-negative whole number that fixes the random draws") ?? 1,
            MaxBatch = Positive(m, "max_batch"),
            ChunkTokens = Positive(m, "chunk_tokens"),
            Routing = (m.OptionalString("routing") ?? "round_robin").ToLowerInvariant() switch
            {
                "round_robin" => RoutingKind.RoundRobin,
                "least_loaded" or "least_outstanding_work" => RoutingKind.LeastOutstandingWork,
                var r => throw new InputException($"{m.Path}.routing: unknown routing '{r}'; use round_robin or least_loaded"),
            },
            InputSpread = Spread(m, "input_spread"),
            OutputSpread = Spread(m, "output_spread"),
        };
        // Sign and kind are checked above with their own messages; these bound the size.
        m.OptionalInteger("requests", 1, InputLimits.MaxSimulatedRequests, "the percentiles settle within a few thousand");
        m.OptionalNumber("rate_per_s", 1e-6, 1e9, "a request every 12 days to a billion a second");
        m.OptionalNumber("cv", 1e-3, 100, "inter-arrival spread; bursty production traffic is 2 to 10");
        m.OptionalInteger("max_batch", 1, InputLimits.MaxSequences, "sequences per replica");
        m.OptionalInteger("chunk_tokens", 1, InputLimits.MaxSequenceTokens, "tokens per iteration");
        return spec;
    }

    static int? Positive(MappingNode m, string key)
    {
        int? v = m.OptionalInteger(key);
        if (v is < 1) throw new InputException($"{m.Path}.{key}: must be a positive whole number, got {v}");
        return v;
    }

    static double? PositiveNumber(MappingNode m, string key)
    {
        double? v = m.OptionalNumber(key);
        if (v is <= 0) throw new InputException($"{m.Path}.{key}: must be positive, got {v.Value.ToString(CultureInfo.InvariantCulture)}");
        return v;
    }

    static double Spread(MappingNode m, string key)
    {
        double v = m.OptionalNumber(key) ?? 0;
        if (v is < 0 or >= 1) throw new InputException($"{m.Path}.{key}: must be in [0, 1), got {v.ToString(CultureInfo.InvariantCulture)}");
        return v;
    }
}
