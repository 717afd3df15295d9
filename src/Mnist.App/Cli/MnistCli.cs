using System.CommandLine;
using Mnist.App.Commands;

namespace Mnist.App.Cli;

/// <summary>
/// The <c>mnist</c> command line: builds the command tree, runs the chosen command and turns every
/// failure into one <c>error:</c> line and an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class MnistCli
{
    /// <summary>Shows stack traces of failures.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "Show the stack trace of an error", Recursive = true };

    /// <summary>Runs <c>mnist</c> with <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return Run(args, output, error, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs <c>mnist</c> with <paramref name="args"/> and an external cancellation.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var root = new RootCommand("mnist: a compiled neural network for handwritten digits, from the raw data to a prediction grid.");
        root.Options.Add(Verbose);
        var binder = new CommandBinder(output, error, cancellation);
        foreach (var command in Commands()) root.Subcommands.Add(command.Build(binder));

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Run 'mnist --help' (or 'mnist COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }
        return parseResult.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static IEnumerable<ICommandDefinition> Commands() =>
    [
        new DataCommand(),
        new TrainCommand(),
        new EvalCommand(),
        new PredictCommand(),
        new GridCommand(),
        new BenchCommand(),
    ];
}
