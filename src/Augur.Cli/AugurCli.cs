using System.CommandLine;
using Augur.Cli.Commands;
using Augur.Catalog.Loading;
using Augur.Domain;

namespace Augur.Cli;

/// <summary>Assembles the command tree and maps bad input to one line on stderr and exit code 2.</summary>
public static class AugurCli
{
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CatalogStore.Default);

    /// <summary>Runs with the given catalog (the shipped one, or one derived from it).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CatalogStore catalog)
    {
        var root = new RootCommand("Augur: does an LLM job fit, how long does it take, and how should it be split across GPUs.");
        root.Subcommands.Add(EstimateCommand.Create(output, catalog));
        root.Subcommands.Add(PlanCommand.Create(output, catalog));
        root.Subcommands.Add(ValidateCommand.Create(output, catalog));
        root.Subcommands.Add(CatalogCommand.Create(output, catalog));
        root.Subcommands.Add(BudgetCommand.Create(output, catalog));
        root.Subcommands.Add(SimulateCommand.Create(output, catalog));
        root.Subcommands.Add(CalibrateCommand.Create(output, catalog));
        root.Subcommands.Add(SweepCommand.Create(output, error, catalog));
        root.Subcommands.Add(NeedsCommand.Create(output, catalog));
        root.Subcommands.Add(ClaimCommand.Create(output, catalog));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"augur: {parsed.Errors[0].Message} (run 'augur --help')");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
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
