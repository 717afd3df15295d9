using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Mnist.App.Cli;
using Mnist.Imaging;
using Mnist.Training;

namespace Mnist.App.Commands;

/// <summary><c>mnist predict</c>: the digit in each image the user drew, prepared the way MNIST's images were.</summary>
public sealed class PredictCommand : ICommandDefinition
{
    private readonly Option<string> _model = SharedOptions.Model();
    private readonly Argument<string[]> _images = new("IMAGE") { Description = "PNG or JPEG files, one digit each", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _json = SharedOptions.Json();
    private readonly ComputeOptions _compute = new();

    /// <inheritdoc />
    public Command Build(CommandBinder binder)
    {
        var command = new Command("predict", "Recognise the digit in your own images") { _model, _images, _json };
        _compute.AddTo(command);
        binder.Bind(command, Run);
        return command;
    }

    private int Run(CommandContext context)
    {
        context = context.ForJson(context.Get(_json));
        string model = context.Get(_model)!;
        using var onnx = ModelFiles.IsOnnx(model) ? Model.OnnxModel.Load(model, context.Get(_compute.Threads)) : null;
        INetwork? network = onnx is null ? ModelFiles.Load(model) : null;
        NetworkWorkspace? workspace = null;
        if (network is not null)
        {
            _compute.Apply(context, network, 1);
            workspace = network.CreateWorkspace(1);
        }
        var inputs = Matrix<float>.Build.Dense(784, 1);
        var prediction = new int[1];
        var results = new List<object>();
        foreach (string path in context.Get(_images)!)
        {
            byte[] pixels = DigitImage.FromFile(path);
            BatchLoader.Scale(pixels, Mnist.Kernels.Gemm.Values(inputs));
            float[] probabilities;
            if (onnx is not null)
            {
                probabilities = onnx.Run(Mnist.Kernels.Gemm.Values(inputs), 1);
                onnx.ToProbabilities(probabilities);
                prediction[0] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(probabilities);
            }
            else
            {
                network!.Predict(inputs, prediction, workspace!);
                probabilities = Enumerable.Range(0, network.OutputSize).Select(c => workspace!.Probabilities[c, 0]).ToArray();
            }
            var top = probabilities.Select((p, digit) => (Digit: digit, Probability: p)).OrderByDescending(t => t.Probability).Take(3).ToArray();
            if (context.Get(_json))
            {
                results.Add(new { file = path, digit = prediction[0], confidence = probabilities[prediction[0]], top3 = top.Select(t => new { digit = t.Digit, probability = t.Probability }) });
                continue;
            }
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {prediction[0]} ({probabilities[prediction[0]] * 100:F2}%)  top 3: {string.Join(", ", top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Digit} {t.Probability * 100:F2}%")))}"));
        }
        if (context.Get(_json)) context.Out.WriteLine(JsonSerializer.Serialize(results));
        return ExitCodes.Success;
    }
}
