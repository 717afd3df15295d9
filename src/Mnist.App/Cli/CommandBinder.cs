using System.CommandLine;

namespace Mnist.App.Cli;

/// <summary>Attaches actions to commands, wrapped in the app's shared error handling.</summary>
public sealed class CommandBinder(TextWriter output, TextWriter error, CancellationToken cancellation)
{
    /// <summary>Makes <paramref name="action"/> run when <paramref name="command"/> is invoked.</summary>
    public void Bind(Command command, Func<CommandContext, int> action) =>
        command.SetAction(parse => Guard(new CommandContext(parse, output, error, cancellation), action));

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
            context.Error.WriteLine("error: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is MnistDataException or IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException or DllNotFoundException)
        {
            context.Error.WriteLine($"error: {e.Message}");
            if (context.Parse.GetValue(MnistCli.Verbose)) context.Error.WriteLine(e.ToString());
            return ExitCodes.Failure;
        }
    }
}
