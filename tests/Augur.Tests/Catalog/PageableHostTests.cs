using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Units;

namespace Augur.Tests.Catalog;

/// <summary>host_memory.pageable_gb_s: a copy into freshly allocated pageable host memory, where a host was measured.</summary>
public class PageableHostTests
{
    static string Yaml(string hardware) => $$"""
        workload: training
        model: llama3.1-8b
        hardware: {{hardware}}
        cluster: {gpus: 8}
        precision: bf16
        training: {seq_len: 4096, global_batch: 64}
        """;

    [Fact]
    public void The_h100_host_copies_into_fresh_pageable_memory_at_its_measured_rate()
    {
        var host = CatalogStore.Default.Accelerator("h100-sxm").HostMemory!;
        // NVIDIA-NeMo/RL issue #3976: 4.94 GB in 3.76 s = 1.31 GB/s; 1.31 GB then takes one second, 64 GB/s pinned 20 ms.
        Assert.Equal(1.0, host.ToFreshPageable(Bytes.FromGB(1.31)).Value, 9);
        Assert.Equal(1.31 / 64, (Bytes.FromGB(1.31) / host.Bandwidth).Value, 9);
        // Where no such copy was measured, the link's rate stands.
        var gb200 = CatalogStore.Default.Accelerator("gb200").HostMemory!;
        Assert.Null(gb200.FreshPageable);
        Assert.Equal((Bytes.FromGB(1) / gb200.Bandwidth).Value, gb200.ToFreshPageable(Bytes.FromGB(1)).Value, 12);
    }

    [Fact]
    public void A_host_link_written_inline_drops_the_rate_measured_on_the_base_link()
    {
        var s = Scenarios.FromYaml(Yaml("{base: h100-sxm, host_memory: {gb_s_one_way: 0.5}}"));
        Assert.Null(s.Cluster.Accelerator.HostMemory!.FreshPageable);
        var kept = Scenarios.FromYaml(Yaml("{base: h100-sxm, host_memory: {gb: 512}}"));
        Assert.Equal(1.31e9, kept.Cluster.Accelerator.HostMemory!.FreshPageable!.Value.BytesPerSecond, 3);
        var e = Assert.Throws<InputException>(() => Scenarios.FromYaml(Yaml("{base: h100-sxm, host_memory: {pageable_gb_s: 100}}")));
        Assert.Contains("pageable_gb_s", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
