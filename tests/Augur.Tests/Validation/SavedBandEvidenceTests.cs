using Augur.Catalog.Loading;
using Augur.CostModels.Uncertainty;
using Augur.Domain.Workloads;
using Augur.Workflows;

namespace Augur.Tests.Validation;

/// <summary>The error-band evidence the installed tool carries is the evidence its validation cases compute.</summary>
public class SavedBandEvidenceTests
{
    [Fact]
    public void The_saved_evidence_reads_back_bit_for_bit_as_each_workload_computes_it()
    {
        var saved = SavedBandEvidence.Read(ErrorBandWorkflow.SavedText(CatalogStore.Default), SavedBandEvidence.Build());
        Assert.NotNull(saved);
        foreach (var w in Enum.GetValues<WorkloadKind>())
        {
            var computed = ErrorBands.From(ValidateWorkflow.Cases(CatalogStore.Default, w, outOfSampleOnly: true)).Evidence;
            Assert.NotEmpty(computed);
            // Record equality compares each error exactly, not to a tolerance.
            Assert.Equal(computed, saved.Where(e => e.Key.Workload == w));
        }
    }

    [Fact]
    public void Evidence_saved_by_another_build_or_not_such_a_file_is_not_read()
    {
        string text = SavedBandEvidence.Write([new("a", new BandKey("f", WorkloadKind.Training, false, "bf16"), 0.1, "org/repo docs/table.md")], "this build");
        Assert.Equal("org/repo docs/table.md", Assert.Single(SavedBandEvidence.Read(text, "this build")!).Publication);
        Assert.Null(SavedBandEvidence.Read(text, "another build"));
        Assert.Null(SavedBandEvidence.Read("", "this build"));
        Assert.Null(SavedBandEvidence.Read(text.Replace("0.1", "a tenth"), "this build"));
    }

    [Fact]
    public void An_estimate_draws_its_band_from_saved_evidence_of_this_build_and_otherwise_runs_the_cases()
    {
        var s = Scenarios.FromYaml("""
            workload: training
            model: llama3.1-8b
            hardware: dgx-h100
            cluster: {gpus: 8}
            precision: bf16
            training: {seq_len: 4096, global_batch: 8}
            """);
        // One saved case like the scenario (Hopper, dense, BF16 training) at +25%: fewer than nine cases, so the
        // band is the whole workload's, and one case is both its 10% and 90% bound.
        string text = SavedBandEvidence.Write([new("one", new BandKey("nvidia-hopper", WorkloadKind.Training, false, "bf16"), 0.25, "a table")], SavedBandEvidence.Build());
        var derived = CatalogStore.Default.With(CatalogStore.Default.Accelerator("h100-sxm"));
        ErrorBandWorkflow.UseSaved(derived, () => text);
        var band = ErrorBandWorkflow.For(s, derived)!;
        Assert.Equal((0.25, 0.25), (band.LowError, band.HighError));
        Assert.Equal("whole range of 1 out-of-sample training case: 1 publication, fewer than the 9 a 10-90% bound needs", band.Basis);

        // Saved by another build: the cases run, as they do without a file.
        var other = CatalogStore.Default.With(CatalogStore.Default.Accelerator("h100-sxm"));
        ErrorBandWorkflow.UseSaved(other, () => text.Replace(SavedBandEvidence.Build(), "another build"));
        Assert.Equal(ErrorBandWorkflow.For(s, CatalogStore.Default), ErrorBandWorkflow.For(s, other));
    }
}
