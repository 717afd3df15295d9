using System.CommandLine;
using Mnist.LinearAlgebra;

namespace Mnist.App.Cli;

/// <summary>Attaches actions to commands, wrapped in the app's shared error handling: every failure is one <c>error:</c> line.</summary>
public sealed class CommandBinder(TextWriter output, TextWriter error, Interruption interruption)
{
    /// <summary>Makes <paramref name="action"/> run when <paramref name="command"/> is invoked.</summary>
    public void Bind(Command command, Func<CommandContext, int> action) =>
        command.SetAction(parse => Guard(new CommandContext(parse, output, error, interruption), action));

    private static int Guard(CommandContext context, Func<CommandContext, int> action)
    {
        try
        {
            return action(context);
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine("error: interrupted; no file was left half-written");
            return context.Interruption.ExitCode;
        }
        catch (Exception e)
        {
            return Report(context.Error, e, context.Verbose);
        }
    }

    /// <summary>
    /// One <c>error:</c> line for any exception — ours name the file and the problem; anything else is
    /// a defect, reported with its type — and, with <c>--verbose</c>, the stack trace. Exit code 1.
    /// </summary>
    public static int Report(TextWriter error, Exception e, bool verbose)
    {
        string message = e switch
        {
            MnistDataException or UsageException => e.Message,
            BlasUnavailableException => $"{e.Message}; install it with: sudo bash scripts/install-native.sh",
            IOException or UnauthorizedAccessException => IO.FileErrors.Problem(e),
            OutOfMemoryException => "out of memory (try a smaller --batch)",
            _ => $"{e.Message} ({e.GetType().Name}; run with --verbose for the stack trace)",
        };
        error.WriteLine($"error: {OneLine(message)}");
        if (verbose) error.WriteLine(e.ToString());
        return ExitCodes.Failure;
    }

    private static string OneLine(string message) => string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
