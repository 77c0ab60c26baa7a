using System.CommandLine;
using Augur.CostModels.Inference;
using Augur.Domain;
using Augur.Domain.Workloads;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Simulation;
using Augur.Simulation.Serving;

namespace Augur.Cli.Commands;

/// <summary><c>augur simulate FILE</c>: request-level serving simulation.</summary>
static class SimulateCommand
{
    public static Command Create(TextWriter output)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var cmd = new Command("simulate", "simulate serving request by request (continuous batching, paged KV cache)") { file, json };
        cmd.SetAction(r =>
        {
            var s = Shared.Load(r.GetValue(file)!);
            var (setup, estimate, result) = Run(s);
            if (r.GetValue(json)) JsonOut.Write(output, SimulationReport.Json(s, estimate, setup, result));
            else Render.To(output, SimulationReport.Tables(s, estimate, setup, result));
            return 0;
        });
        return cmd;
    }

    public static (SimulationSetup Setup, InferenceEstimate Estimate, ServingResult Result) Run(Scenario s)
    {
        if (s.Workload != WorkloadKind.Inference)
            throw new InputException("simulate needs an inference scenario (workload: inference with an inference section)");
        var (model, layout) = InferenceCommands.Model(s);
        var estimate = model.Estimate(layout, s.Run.UsdPerGpuHour);
        int sequence = s.Inference!.InputTokens + s.Inference.OutputTokens;
        if (model.KvCapacityTokensPerAttentionGroup(layout) < sequence)
        {
            double weights = model.WeightsPerGpu(layout).GiB, usable = (s.Cluster.Accelerator.HbmCapacity * s.Inference.MemoryFraction).GiB;
            throw new InputException(FormattableString.Invariant(
                $"tp{layout.Tp} pp{layout.Pp} ep{layout.Ep} dp_attention{layout.DpAttention} leaves no KV-cache room for one {sequence}-token sequence on {s.Cluster.Accelerator.Id} (weights {weights:0.0} GiB per GPU of {usable:0.0} GiB usable); spread the model over more GPUs per replica, or use precision: fp8 or kv_precision: fp8"));
        }
        var spec = s.Simulation ?? new SimulationSpec();
        var setup = ScenarioSimulation.Build(model, layout, estimate, spec, spec.TracePath is { } p ? ReadTrace(p) : null);
        try
        {
            return (setup, estimate, ServingSimulation.Run(setup.Deployment, setup.Requests, setup.Options));
        }
        catch (ArgumentException e)
        {
            throw new InputException($"cannot simulate: {e.Message.Split('\n')[0]}");
        }
    }

    static IReadOnlyList<Request> ReadTrace(string path)
    {
        try
        {
            return RequestTrace.ReadFile(path);
        }
        catch (TraceFormatException e)
        {
            throw new InputException($"simulation.trace: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            throw new InputException($"simulation.trace: no such file {path}");
        }
        catch (IOException e)
        {
            throw new InputException($"simulation.trace: cannot read {path}: {e.Message.Split('\n')[0]}");
        }
    }
}
