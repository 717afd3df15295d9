using Mnist.App.Cli;

namespace Mnist.App.Tests;

/// <summary>Runs <c>mnist</c> in-process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = MnistCli.Run(args, output, error, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
