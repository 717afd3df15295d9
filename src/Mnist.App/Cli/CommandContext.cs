using System.CommandLine;
using Spectre.Console;

namespace Mnist.App.Cli;

/// <summary>
/// What every command's action gets: the parsed line and where to write. Results go to
/// <see cref="Out"/>, banners and progress to <see cref="Progress"/> (standard output too, or
/// nowhere in <c>--json</c> mode unless <c>--verbose</c> sends them to standard error), and only
/// errors and warnings to <see cref="Error"/>.
/// </summary>
public sealed class CommandContext(ParseResult parse, TextWriter output, TextWriter error, Interruption interruption, TextWriter? progress = null)
{
    /// <summary>The parsed command line.</summary>
    public ParseResult Parse => parse;

    /// <summary>Standard output: results.</summary>
    public TextWriter Out => output;

    /// <summary>Standard error: errors and warnings.</summary>
    public TextWriter Error => error;

    /// <summary>Banners and progress lines.</summary>
    public TextWriter Progress => progress ?? output;

    /// <summary>Set by Ctrl+C or SIGTERM.</summary>
    public CancellationToken Cancellation => interruption.Token;

    /// <summary>Why the command may be stopped, and the exit code it then ends with.</summary>
    public Interruption Interruption => interruption;

    /// <summary>True with <c>--verbose</c>.</summary>
    public bool Verbose => parse.GetValue(MnistCli.Verbose);

    /// <summary>True when stdout is a terminal a person watches (progress bars, colour).</summary>
    public bool Interactive { get; } = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;

    /// <summary>A Spectre console over <see cref="Out"/>: colour only when interactive.</summary>
    public IAnsiConsole Console => _console ??= CreateConsole();

    private IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // redirected output has no width: do not wrap lines at Spectre's default of 80
        if (!Interactive) console.Profile.Width = 200;
        return console;
    }

    private IAnsiConsole? _console;

    /// <summary>
    /// The context for a command whose standard output must hold one JSON document when <paramref name="json"/>:
    /// banners and progress then go to standard error with <c>--verbose</c>, else nowhere.
    /// </summary>
    public CommandContext ForJson(bool json) =>
        json ? new CommandContext(parse, output, error, interruption, Verbose ? error : TextWriter.Null) : this;

    /// <summary>The value of <paramref name="option"/>.</summary>
    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    /// <summary>The value of <paramref name="argument"/>.</summary>
    public T? Get<T>(Argument<T> argument) => parse.GetValue(argument);
}
