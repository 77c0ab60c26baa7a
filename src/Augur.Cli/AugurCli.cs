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

    /// <summary>The commands, in the order help lists them, each built only when it runs or help is shown.</summary>
    static readonly (string Name, Func<TableCapture, TextWriter, CatalogStore, Command> Create)[] Commands =
    [
        ("estimate", EstimateCommand.Create),
        ("plan", PlanCommand.Create),
        ("validate", (o, _, c) => ValidateCommand.Create(o, c)),
        ("catalog", (o, _, c) => CatalogCommand.Create(o, c)),
        ("budget", (o, _, c) => BudgetCommand.Create(o, c)),
        ("simulate", SimulateCommand.Create),
        ("calibrate", (o, _, c) => CalibrateCommand.Create(o, c)),
        ("sweep", SweepCommand.Create),
        ("needs", (o, _, c) => NeedsCommand.Create(o, c)),
        ("claim", (o, _, c) => ClaimCommand.Create(o, c)),
        ("export", (o, _, c) => ExportCommand.Create(o, c)),
        ("import", (o, _, c) => ImportCommand.Create(o, c)),
        ("serve", (o, _, c) => ServeCommand.Create(o, c)),
    ];

    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CatalogStore.Default);

    /// <summary>Runs with the given catalog (the shipped one, or one derived from it).</summary>
    public static int Run(string[] args, TextWriter console, TextWriter error, CatalogStore catalog)
    {
        // Every table a command renders is kept, for --csv.
        var output = new TableCapture(console);
        var root = new RootCommand("Augur: does an LLM job fit, how long does it take, and how should it be split across GPUs.");
        var csv = new Option<string>("--csv") { Description = "also write the tables to CSV: the first to FILE, the next to FILE-2.csv, ...", Recursive = true };
        root.Options.Add(csv);
        // Only the command named is built (its options are most of the start-up work left); --version needs none, and
        // help and unknown names get all.
        string? named = Commands.Any(c => args.Length > 0 && c.Name == args[0]) ? args[0] : null;
        bool versionOnly = args is ["--version"];
        foreach (var (name, create) in Commands)
            if (!versionOnly && (named is null || name == named)) root.Subcommands.Add(create(output, error, catalog));
        var parsed = root.Parse(args);
        if (args.Length > 0 && !args[0].StartsWith('-') && named is null)
        {
            var names = Commands.Select(c => c.Name).ToList();
            string hint = Suggest.Nearest(args[0], names) is { } near ? $"did you mean '{near}'? " : "";
            error.WriteLine($"augur: unknown command '{args[0]}'; {hint}commands: {string.Join(", ", names)} (run 'augur --help')");
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
