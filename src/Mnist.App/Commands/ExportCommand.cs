using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Mnist.App.Cli;
using Mnist.IO;
using Mnist.Onnx;

namespace Mnist.App.Commands;

/// <summary><c>mnist export</c>: a checkpoint (MLP or convnet) as an ONNX model, checked by loading it in ONNX Runtime before it replaces anything.</summary>
public sealed class ExportCommand : ICommandDefinition
{
    private readonly Option<string> _model = SharedOptions.Model();
    private readonly Option<string> _out = SharedOptions.NonEmpty(new Option<string>("--out") { Description = "The ONNX file to write", Required = true });
    private readonly Option<int> _opset = new("--opset") { Description = "ONNX operator set, 13 to 17 (default 13)", DefaultValueFactory = _ => 13 };
    private readonly Option<bool> _softmax = new("--softmax") { Description = "End with a softmax: output 'probabilities' instead of 'logits'" };

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("export", "Export a model as ONNX (input [N, 1, 28, 28], output logits [N, 10])") { _model, _out, _opset, _softmax };
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        int opset = context.Get(_opset);
        if (opset is < 13 or > 17) throw new UsageException($"--opset must be 13 to 17, got {opset}");
        string model = context.Get(_model)!, output = Path.GetFullPath(context.Get(_out)!);
        if (Directory.Exists(output)) throw new MnistDataException(output, "is a directory; --out names the .onnx file to write");
        var network = ModelFiles.Load(model);
        var info = Training.Checkpoint.ReadInfo(model);
        var clock = Stopwatch.StartNew();
        var bytes = new MemoryStream();
        OnnxExport.Write(network, bytes, new OnnxExportOptions
        {
            Opset = opset,
            Softmax = context.Get(_softmax),
            Metadata = new Dictionary<string, string>
            {
                ["source"] = Path.GetFileName(model),
                ["step"] = (info?.Step ?? 0).ToString(CultureInfo.InvariantCulture),
                ["seed"] = (info?.Seed ?? 0).ToString(CultureInfo.InvariantCulture),
            },
        });
        double exportMs = clock.Elapsed.TotalMilliseconds;
        AtomicFile.WriteAllBytes(output, bytes.ToArray());
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {network.Architecture}, {bytes.Length:N0} bytes ({network.Parameters.Sum(p => p.Length):N0} parameters), opset {opset}, output {(context.Get(_softmax) ? "probabilities" : "logits")}; exported in {exportMs:F1} ms"));
        return ExitCodes.Success;
    }
}
