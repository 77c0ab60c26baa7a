using Augur.Catalog.Loading;
using Augur.Domain.Frameworks;
using Augur.Domain.Workloads;
using Augur.Export;

namespace Augur.Tests.Export;

/// <summary>The frameworks' argument lists are catalog data with a readable source, one per export target.</summary>
public class FrameworkCatalogTests
{
    [Fact]
    public void Every_export_target_has_an_argument_list_and_every_list_is_a_target()
    {
        var ids = CatalogStore.Default.Frameworks.Select(f => f.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["maxtext", "megatron", "sglang", "torchtitan", "trtllm", "vllm"], ids);
        Assert.Equal(ids, ExportWorkflow.Targets.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("megatron", WorkloadKind.Training, FrameworkForm.Arguments)]
    [InlineData("torchtitan", WorkloadKind.Training, FrameworkForm.Toml)]
    [InlineData("maxtext", WorkloadKind.Training, FrameworkForm.KeyValue)]
    [InlineData("vllm", WorkloadKind.Inference, FrameworkForm.Arguments)]
    [InlineData("sglang", WorkloadKind.Inference, FrameworkForm.Arguments)]
    [InlineData("trtllm", WorkloadKind.Inference, FrameworkForm.Yaml)]
    public void Each_list_says_where_it_was_read(string id, WorkloadKind workload, FrameworkForm form)
    {
        var f = CatalogStore.Default.Framework(id);
        Assert.Equal(workload, f.Workload);
        Assert.Equal(form, f.Form);
        // A repository at a commit (40 hex digits) or a tagged release, and the files that define the arguments.
        Assert.Matches(@"^[\w-]+/[\w.-]+ (@ [0-9a-f]{40}|v\d+\.\d+\.\d+ \([0-9a-f]{40})", f.Source);
        Assert.NotEmpty(f.Paths);
        Assert.True(f.Arguments.Count >= 10, $"{id} lists {f.Arguments.Count} arguments");
    }

    [Fact]
    public void Value_formats_accept_what_they_document_and_refuse_the_rest()
    {
        var f = CatalogStore.Default.Framework("megatron");
        Assert.Null(f.Argument("--tensor-model-parallel-size")!.Check(["8"]));
        Assert.NotNull(f.Argument("--tensor-model-parallel-size")!.Check(["eight"]));
        Assert.Null(f.Argument("--sequence-parallel")!.Check([]));
        Assert.NotNull(f.Argument("--sequence-parallel")!.Check(["true"]));
        Assert.Null(f.Argument("--fp8-recipe")!.Check(["blockwise"]));
        Assert.NotNull(f.Argument("--fp8-recipe")!.Check(["per-block"]));
        Assert.Null(f.Argument("--recompute-modules")!.Check(["mla_up_proj", "mlp"]));
        Assert.NotNull(f.Argument("--recompute-modules")!.Check(["attention"]));
        Assert.Null(f.Argument("--data-parallel-size"));
    }
}
