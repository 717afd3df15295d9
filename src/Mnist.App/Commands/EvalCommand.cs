using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mnist.App.Cli;
using Mnist.Training;
using Spectre.Console;

namespace Mnist.App.Commands;

/// <summary><c>mnist eval</c>: accuracy, loss, per-class precision and recall, and the confusion matrix of a model on the test set.</summary>
public sealed class EvalCommand : ICommandDefinition
{
    private readonly Option<string> _model = SharedOptions.Model();
    private readonly Option<string?> _data = SharedOptions.Data("Dataset whose test split is used");
    private readonly Option<bool> _json = SharedOptions.Json();
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("eval", "Evaluate a model on the test set") { _model, _data, _json };
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        bool json = context.Get(_json);
        context = context.ForJson(json);
        string path = context.Get(_model)!;
        string architecture, engine;
        int classes;
        EvaluationResult result;
        if (ModelFiles.IsOnnx(path))
        {
            // an exported (or foreign) model through ONNX Runtime, fed and scored as our own
            using var onnx = Model.OnnxModel.Load(path, context.Get(_compute.Threads));
            var onnxData = DatasetLocator.Load(context, context.Get(_data));
            if (onnxData.Test.Count == 0) throw new MnistDataException(context.Get(_data) ?? "MNIST", "the test split holds no images");
            (architecture, engine, classes) = (onnx.Architecture, "onnxruntime", onnx.Classes);
            result = onnx.Evaluate(onnxData.Test);
        }
        else
        {
            INetwork network = ModelFiles.Load(path);
            var data = DatasetLocator.Load(context, context.Get(_data));
            if (data.Test.Count == 0) throw new MnistDataException(context.Get(_data) ?? "MNIST", "the test split holds no images");
            var selection = _compute.Apply(context, network, 1000);
            (architecture, engine, classes) = (network.Architecture, selection.Backend.Name, network.OutputSize);
            result = new Evaluator(network, data.Test, threads: context.Get(_compute.Threads)).Evaluate();
        }

        if (json)
        {
            var classRows = Enumerable.Range(0, classes).Select(c => new
            {
                digit = c,
                precision = result.Precision[c],
                recall = result.Recall[c],
                support = Enumerable.Range(0, classes).Sum(p => result.Confusion[c, p]),
            });
            var confusion = Enumerable.Range(0, classes)
                .Select(t => Enumerable.Range(0, classes).Select(p => result.Confusion[t, p]).ToArray()).ToArray();
            context.Out.WriteLine(JsonSerializer.Serialize(new
            {
                model = context.Get(_model),
                architecture,
                blas = engine,
                count = result.Count,
                accuracy = result.Accuracy,
                loss = result.Loss,
                classes = classRows,
                confusion,
            }));
            return ExitCodes.Success;
        }

        var console = context.Console;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{architecture} on {result.Count:N0} test images: accuracy {result.Accuracy * 100:F2}% ({result.Correct:N0} correct), loss {result.Loss:F4}"));
        var perClass = new Table().AddColumns("digit", "precision", "recall", "images");
        for (int c = 0; c < classes; c++)
        {
            int support = Enumerable.Range(0, classes).Sum(p => result.Confusion[c, p]);
            perClass.AddRow(c.ToString(CultureInfo.InvariantCulture), Percent(result.Precision[c]), Percent(result.Recall[c]), support.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(perClass);
        var confusionTable = new Table().AddColumn("true \\ pred");
        for (int p = 0; p < classes; p++) confusionTable.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
        for (int t = 0; t < classes; t++)
        {
            var row = new List<string> { t.ToString(CultureInfo.InvariantCulture) };
            for (int p = 0; p < classes; p++) row.Add(result.Confusion[t, p].ToString(CultureInfo.InvariantCulture));
            confusionTable.AddRow(row.ToArray());
        }
        console.Write(confusionTable);
        return ExitCodes.Success;
    }

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
