using System.CommandLine;
using Mnist.App.Cli;
using Mnist.App.Rendering;
using Mnist.IO;
using Mnist.Training;

namespace Mnist.App.Commands;

/// <summary><c>mnist grid</c>: the original program's figure of test digits with true and predicted labels and confidence.</summary>
public sealed class GridCommand : ICommandDefinition
{
    private readonly Option<string> _model = SharedOptions.Model();
    private readonly Option<string> _out = SharedOptions.NonEmpty(new Option<string>("--out") { Description = "PNG file to write", Required = true });
    private readonly Option<int> _count = new("--count") { Description = "Digits to show (5 per row)", DefaultValueFactory = _ => 25 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the random choice of digits", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _errors = new("--errors") { Description = "Show only misclassified digits" };
    private readonly Option<string> _lang = SharedOptions.Language();
    private readonly Option<string?> _data = SharedOptions.Data("Dataset whose test split is shown");
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("grid", "Draw test digits with their true and predicted labels") { _model, _out, _count, _seed, _errors, _data, _lang };
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        int count = context.Get(_count);
        if (count is <= 0 or > 1000) throw new UsageException($"--count must be between 1 and 1000, got {count}");
        string output = context.Get(_out)!;
        if (Directory.Exists(output)) throw new MnistDataException(output, "is a directory; --out names the PNG file to write");
        INetwork network = ModelFiles.Load(context.Get(_model)!);
        var data = DatasetLocator.Load(context, context.Get(_data));
        if (data.Test.Count == 0) throw new MnistDataException(context.Get(_data) ?? "MNIST", "the test split holds no images");
        _compute.Apply(context, network, 1000);
        var evaluator = new Evaluator(network, data.Test, threads: context.Get(_compute.Threads));
        evaluator.Run();
        var cells = GridSelection.Choose(data.Test, evaluator, count, context.Get(_seed), context.Get(_errors));
        if (cells.Count == 0) throw new InvalidOperationException("no misclassified test digits to show");
        AtomicFile.WriteAllBytes(output, GridRenderer.Render(cells, language: context.Get(_lang)!));
        context.Out.WriteLine($"wrote {output}: {cells.Count} digits, {cells.Count(c => c.IsMistake)} mistakes");
        return ExitCodes.Success;
    }
}
