using System.Reflection;
using System.Text.RegularExpressions;
using Augur.Cli;

namespace Augur.Tests.Cli;

public class VersionTests
{
    /// <summary>
    /// `augur --version` prints the entry assembly's informational version (System.CommandLine's version option), which
    /// the build stamps with the commit: 0.1.0+ and 40 hex digits, or +unknown outside a git checkout. .ci/run checks
    /// the installed command against `git rev-parse HEAD`.
    /// </summary>
    [Fact]
    public void The_augur_assembly_names_the_commit_it_was_built_from()
    {
        string? version = typeof(AugurCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        Assert.NotNull(version);
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+\+([0-9a-f]{40}|unknown)$"), version);
    }
}
