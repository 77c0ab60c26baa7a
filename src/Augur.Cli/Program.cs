using Augur.Catalog.Loading;
using Augur.Workflows;

namespace Augur.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // The installed tool carries its error bands' evidence, saved when it was packed, so an estimate need not run
        // the validation cases first; a build without the file (or from other code) runs them.
        string saved = Path.Combine(AppContext.BaseDirectory, SavedBandEvidence.FileName);
        ErrorBandWorkflow.UseSaved(CatalogStore.Default, () => File.Exists(saved) ? File.ReadAllText(saved) : null);
        return AugurCli.Run(args, Console.Out, Console.Error);
    }
}
