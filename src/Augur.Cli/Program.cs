namespace Augur.Cli;

public static class Program
{
    public static int Main(string[] args) => AugurCli.Run(args, Console.Out, Console.Error);
}
