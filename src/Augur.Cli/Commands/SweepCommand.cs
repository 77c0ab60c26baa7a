using System.CommandLine;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Plots;
using Augur.Reports.Console;
using Augur.Reports.Json;
using Augur.Reports.Sweeps;
using Augur.Workflows;
using Augur.Workflows.Sweeps;

namespace Augur.Cli.Commands;

/// <summary>
/// <c>augur sweep FILE --vary key=values ...</c>: a grid of scenarios, estimated or planned in parallel. Points are
/// appended to the --out files as they finish, so an interrupted sweep resumes where it stopped; when the sweep
/// completes each file is rewritten in index order, so shards merged with <c>sweep merge</c> equal one run.
/// </summary>
static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error, CatalogStore catalog)
    {
        var file = Shared.ScenarioFile();
        var json = Shared.Json();
        var plot = Shared.Plot();
        var vary = new Option<string[]>("--vary") { Description = "key=values: a list (a,b,c), a range (start:stop:step) or geometric steps (start:stop*factor); several make a grid", Required = true };
        var plan = new Option<bool>("--plan") { Description = "search the best layout at each point (default: cost the scenario's layout)" };
        var outputs = new Option<string[]>("--out") { Description = "results file, .csv or .jsonl (repeatable); points stream into it and a rerun skips those already there" };
        var shard = new Option<string>("--shard") { Description = "run one slice i/N of the points (0 <= i < N), for job arrays" };
        var top = new Option<int>("--top") { Description = "rows of the printed table", DefaultValueFactory = _ => 20 };
        var cmd = new Command("sweep", "estimate or plan every point of a grid of scenario changes, in parallel, streaming to CSV / JSON lines") { file, vary, plan, outputs, shard, top, json, plot };
        cmd.SetAction(r =>
        {
            var document = ScenarioDocument.FromFile(r.GetValue(file)!);
            var plotPath = Shared.PlotPath(r, plot);
            var grid = new SweepGrid(r.GetValue(vary)!.Select(SweepAxis.Parse).ToList());
            if (plotPath is not null) SweepChart.Check(grid);
            var slice = r.GetValue(shard) is { } sh ? SweepShard.Parse(sh) : SweepShard.Whole;
            var files = (r.GetValue(outputs) ?? []).Select(p => new SweepFile(p, grid)).ToList();
            // A point is done when every output already holds it.
            IReadOnlySet<long> done = files.Count == 0 ? new HashSet<long>() : files.Select(f => f.Done).Aggregate((a, b) => a.Intersect(b).ToHashSet());
            var ran = new List<SweepPoint>();
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            System.Console.CancelKeyPress += stop;
            var progress = Progress.Create(error, r.GetValue(json), SweepWorkflow.Indices(grid, slice, done).LongCount(), "points");
            try
            {
                foreach (var f in files) f.Open();
                SweepWorkflow.Run(document, catalog, grid, r.GetValue(plan) ? SweepMode.Plan : SweepMode.Estimate, slice, done, p =>
                {
                    ran.Add(p);
                    foreach (var f in files) f.Append(p);
                }, progress, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                foreach (var f in files) f.Dispose();
                error.WriteLine($"augur: interrupted after {ran.Count} new points{(files.Count > 0 ? $"; rerun the same command to resume ({files[0].Path} holds them)" : "")}");
                return 130;
            }
            finally
            {
                System.Console.CancelKeyPress -= stop;
                Progress.Done(error, progress);
            }
            foreach (var f in files) f.Finish();
            var shown = ran.OrderBy(p => p.Index).ToList();
            // A grid whose every point was refused ran nothing: that is a bad input, not an empty result.
            if (shown.Count > 0 && shown.All(p => p.Status == SweepStatus.Refused))
                throw new InputException($"every point of the sweep was refused; the first ({string.Join(", ", grid.Axes.Select((a, i) => $"{a.Key}={shown[0].Settings[i]}"))}): {shown[0].Message}");
            if (r.GetValue(json)) JsonOut.Write(output, SweepReport.Document(grid, shown));
            else
            {
                Render.To(output, SweepReport.Tables(grid, shown, Math.Max(1, r.GetValue(top))));
                if (done.Count > 0) Render.To(output, Render.Line($"{done.Count:N0} points were already in {files[0].Path} and were not rerun; the table shows the {ran.Count:N0} run now."));
            }
            if (plotPath is not null) SweepChart.Of(grid, shown).Save(plotPath);
            return 0;
        });
        var merged = new Argument<string>("merged") { Description = "the merged file to write (.csv or .jsonl)" };
        var slices = new Argument<string[]>("slices") { Description = "the shards' files, same format", Arity = ArgumentArity.OneOrMore };
        var merge = new Command("merge", "join the files of sweep shards into one, in index order, as one run would have written it") { merged, slices };
        merge.SetAction(r =>
        {
            SweepFile.Merge(r.GetValue(merged)!, r.GetValue(slices)!);
            return 0;
        });
        cmd.Subcommands.Add(merge);
        return cmd;
    }
}
