using System.CommandLine;
using Augur.Catalog.Files;
using Augur.Cli.Commands;
using Augur.Catalog.Loading;
using Augur.Domain;
using Augur.Reports.Console;

namespace Augur.Cli;

/// <summary>Assembles the command tree and maps bad input to one line on stderr and exit code 2.</summary>
public static class AugurCli
{
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CatalogStore.Default);

    /// <summary>Runs with the given catalog (the shipped one, or one derived from it).</summary>
    public static int Run(string[] args, TextWriter console, TextWriter error, CatalogStore catalog)
    {
        // Every table a command renders is kept, for --csv.
        var output = new TableCapture(console);
        var root = new RootCommand("Augur: does an LLM job fit, how long does it take, and how should it be split across GPUs.");
        var csv = new Option<string>("--csv") { Description = "also write the tables to CSV: the first to FILE, the next to FILE-2.csv, ...", Recursive = true };
        root.Options.Add(csv);
        root.Subcommands.Add(EstimateCommand.Create(output, catalog));
        root.Subcommands.Add(PlanCommand.Create(output, error, catalog));
        root.Subcommands.Add(ValidateCommand.Create(output, catalog));
        root.Subcommands.Add(CatalogCommand.Create(output, catalog));
        root.Subcommands.Add(BudgetCommand.Create(output, catalog));
        root.Subcommands.Add(SimulateCommand.Create(output, error, catalog));
        root.Subcommands.Add(CalibrateCommand.Create(output, catalog));
        root.Subcommands.Add(SweepCommand.Create(output, error, catalog));
        root.Subcommands.Add(NeedsCommand.Create(output, catalog));
        root.Subcommands.Add(ClaimCommand.Create(output, catalog));
        root.Subcommands.Add(ExportCommand.Create(output, catalog));
        root.Subcommands.Add(ImportCommand.Create(output, catalog));
        root.Subcommands.Add(ServeCommand.Create(output, catalog));
        var parsed = root.Parse(args);
        if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
        {
            string hint = Suggest.Nearest(args[0], root.Subcommands.Select(c => c.Name)) is { } near ? $"did you mean '{near}'? " : "";
            error.WriteLine($"augur: unknown command '{args[0]}'; {hint}commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (run 'augur --help')");
            return BadInput;
        }
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"augur: {parsed.Errors[0].Message} (run 'augur --help')");
            return BadInput;
        }
        string? csvPath = parsed.GetValue(csv);
        if (csvPath is not null && args.Contains("--json"))
        {
            error.WriteLine("augur: --csv saves the tables a command prints, and --json prints none; use one of them");
            return BadInput;
        }
        if (csvPath is not null && args[0] is "export" or "import")
        {
            error.WriteLine($"augur: --csv saves tables, and {args[0]} prints a {(args[0] == "export" ? "framework's settings" : "scenario")}; save it with --out FILE");
            return BadInput;
        }
        if (csvPath is not null && !csvPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"augur: --csv {csvPath}: name a .csv file");
            return BadInput;
        }
        try
        {
            int code = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            if (code == 0 && csvPath is not null) CsvFiles.Write(csvPath, output.Tables);
            return code;
        }
        catch (InputException e)
        {
            error.WriteLine($"augur: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"augur: {e.Message.Split('\n')[0]}");
            return BadInput;
        }
    }
}
