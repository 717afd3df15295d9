using System.CommandLine;
using System.Runtime.InteropServices;
using Mnist.App.Commands;

namespace Mnist.App.Cli;

/// <summary>
/// The <c>mnist</c> command line: builds the command tree, runs the chosen command and turns every
/// failure into one <c>error:</c> line and an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class MnistCli
{
    /// <summary>Shows stack traces of failures.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "Show the stack trace of an error, and progress lines in --json mode (on stderr)", Recursive = true };

    /// <summary>Runs <c>mnist</c> with <paramref name="args"/>, stopping on Ctrl+C or SIGTERM; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var interruption = new Interruption();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // a second Ctrl+C ends the process at once
            if (interruption.Requested) return;
            e.Cancel = true;
            interruption.Request(terminate: false);
        };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interruption.Request(terminate: true);
        });
        try
        {
            return Run(args, output, error, interruption);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs <c>mnist</c> with <paramref name="args"/> and an external cancellation (which acts as Ctrl+C).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation) =>
        Run(args, output, error, new Interruption(cancellation));

    /// <summary>Runs <c>mnist</c> with <paramref name="args"/>, stopped by <paramref name="interruption"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, Interruption interruption)
    {
        var root = new RootCommand("mnist: a compiled neural network for handwritten digits, from the raw data to a prediction grid.");
        root.Options.Add(Verbose);
        var binder = new CommandBinder(output, error, interruption);
        foreach (var command in Commands()) root.Subcommands.Add(command.Build(binder));

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Run 'mnist --help' (or 'mnist COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parseResult.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // the commands' own handler has caught what they throw; this is the last line of defence
            return CommandBinder.Report(error, e, parseResult.GetValue(Verbose));
        }
    }

    private static IEnumerable<ICommandDefinition> Commands() =>
    [
        new DataCommand(),
        new TrainCommand(),
        new EvalCommand(),
        new PredictCommand(),
        new GridCommand(),
        new BenchCommand(),
        new ExportCommand(),
        new ServeCommand(),
    ];
}
