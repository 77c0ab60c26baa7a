using Augur.Domain.Hardware;
using Augur.Catalog.Loading;
using Augur.CostModels.Compute;

namespace Augur.Tests;

static class TestCalibration
{
    public static HardwareCalibration Any => CatalogStore.Default.Calibrations.First(c => c.Family == "nvidia-hopper");
}
