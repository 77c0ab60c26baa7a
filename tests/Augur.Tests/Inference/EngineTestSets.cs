using Augur.CostModels.Compute;
using Augur.Domain.Hardware;

namespace Augur.Tests.Inference;

/// <summary>A serving engine's kernel set of a few attention rows, measured on <c>a</c>, for the engine-table tests.</summary>
static class EngineTestSets
{
    public static EngineLinear Engine(Accelerator a, string id, EngineLinearScope serves, params AttentionSample[] rows) =>
        EngineLinear.Of(new EngineLinearKernels(new KernelMeasurementSet
        {
            Id = id, AcceleratorId = a.Id, Device = "test", MeasuredOn = "test", Software = "test", Source = "test", Method = "test",
            Serves = serves, Gemms = [], Copies = [], Attention = rows, Sustained = [],
        }, a));
}
