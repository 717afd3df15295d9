using System.CommandLine;
using Spectre.Console;

namespace Mnist.App.Cli;

/// <summary>What every command's action gets: the parsed line and where to write.</summary>
public sealed class CommandContext(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellation)
{
    /// <summary>The parsed command line.</summary>
    public ParseResult Parse => parse;

    /// <summary>Standard output.</summary>
    public TextWriter Out => output;

    /// <summary>Standard error.</summary>
    public TextWriter Error => error;

    /// <summary>Set by Ctrl+C.</summary>
    public CancellationToken Cancellation => cancellation;

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

    /// <summary>The same context writing its standard output to <paramref name="writer"/>.</summary>
    public CommandContext WithOutput(TextWriter writer) => new(parse, writer, error, cancellation);

    /// <summary>The value of <paramref name="option"/>.</summary>
    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    /// <summary>The value of <paramref name="argument"/>.</summary>
    public T? Get<T>(Argument<T> argument) => parse.GetValue(argument);
}
