using System.CommandLine;
using Mnist.App.Cli;
using Mnist.App.Rendering;
using Mnist.App.Serving;
using Mnist.Training;

namespace Mnist.App.Commands;

/// <summary><c>mnist serve</c>: a local page where a person draws a digit and watches the networks read it, and its JSON API.</summary>
public sealed class ServeCommand : ICommandDefinition
{
    private readonly Option<string[]> _models = new("--model") { Description = "Model checkpoint(s) to serve side by side (default: the newest runs/*/model.npz)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<int> _port = new("--port") { Description = "Port (default 5000; 0: any free port)", DefaultValueFactory = _ => 5000 };
    private readonly Option<string> _host = new("--host") { Description = "Address to listen on (default 127.0.0.1, this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
    private readonly Option<string?> _lang = new("--lang") { Description = "Page language: en or zh (default: the browser's Accept-Language)" };
    private readonly Option<string?> _data = SharedOptions.Data("Dataset whose test split the grid view shows");

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        _lang.AcceptOnlyFromAmong("en", "zh");
        var command = new Command("serve", "Serve a page where you draw a digit and see the network read it, and a JSON API") { _models, _port, _host, _lang, _data };
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        string[] paths = context.Get(_models) is { Length: > 0 } given ? given : [Newest()];
        var models = paths.Select(ServedModel.Load).ToList();
        string host = context.Get(_host)!;
        int port = context.Get(_port);
        if (port is < 0 or > 65535) throw new UsageException($"--port must be 0 to 65535, got {port}");
        if (host is not ("127.0.0.1" or "localhost") && !System.Net.IPAddress.TryParse(host, out _))
            throw new UsageException($"--host must be an IP address (or localhost), got '{host}'");
        if (host is not ("127.0.0.1" or "localhost"))
            context.Error.WriteLine($"warning: listening on {host}: anyone who can reach this machine can use the page and the API");
        string? data = context.Get(_data);
        var grids = new Lazy<(Data.MnistDataset Data, Evaluator Evaluator)?>(() =>
        {
            try
            {
                var dataset = DatasetLocator.Load(context.ForJson(true), data);
                var evaluator = new Evaluator(models[0].Network, dataset.Test);
                evaluator.Evaluate();
                return (dataset, evaluator);
            }
            catch (MnistDataException) { return null; }
        });
        byte[]? Grid(bool errors, string language)
        {
            if (grids.Value is not { } g) return null;
            lock (grids) return GridRenderer.Render(GridSelection.Choose(g.Data.Test, g.Evaluator, 25, 0, errors), language: language);
        }

        var server = DigitServer.Create(models, host, port, context.Get(_lang), Grid);
        try
        {
            server.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new UsageException($"--port {port}: cannot listen on {host}:{port} ({e.Message.Split('\n')[0]})");
        }
        foreach (var model in models) context.Out.WriteLine($"serving {model.Name}: {model.Architecture}");
        context.Out.WriteLine($"open {server.Url} (Ctrl+C stops)");
        context.Out.Flush();
        context.Cancellation.WaitHandle.WaitOne();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        context.Out.WriteLine("stopped");
        return context.Interruption.ExitCode;
    }

    // the newest run's checkpoint, or a message saying how to make one
    private static string Newest()
    {
        var newest = Directory.Exists("runs")
            ? Directory.EnumerateFiles("runs", "model.npz", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return newest ?? throw new UsageException("no model to serve: give --model FILE, or train one first (mnist train writes runs/<time>/model.npz)");
    }
}
