using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Mnist.App.Model;

/// <summary>
/// An ONNX model run by ONNX Runtime (its default CPU provider): one written by <c>mnist export</c>, or any model
/// that takes float32 [N, 1, 28, 28] (or [N, 784]) and gives [N, 10] logits or probabilities. Fed exactly as our
/// networks are (pixels / 255, NCHW), so `eval` and `predict` give the same tables for both.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input, _output;
    private readonly int[] _sampleShape;

    private OnnxModel(string path, InferenceSession session)
    {
        _session = session;
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            throw new MnistDataException(path, $"has {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs; a digit classifier takes one image batch and gives one score batch");
        var (input, inputMeta) = session.InputMetadata.Single();
        var (output, outputMeta) = session.OutputMetadata.Single();
        if (inputMeta.ElementType != typeof(float) || outputMeta.ElementType != typeof(float))
            throw new MnistDataException(path, "takes or gives other values than float32");
        var dims = inputMeta.Dimensions;
        _sampleShape = dims.Skip(1).ToArray();
        long features = _sampleShape.Aggregate(1L, (a, d) => a * d);
        if (dims.Length is not (2 or 4) || _sampleShape.Any(d => d <= 0) || features != 784)
            throw new MnistDataException(path, $"takes inputs of shape [{string.Join(", ", dims.Select(d => d < 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]; mnist feeds [N, 1, 28, 28] or [N, 784]");
        var outDims = outputMeta.Dimensions;
        if (outDims.Length != 2 || outDims[1] <= 0)
            throw new MnistDataException(path, $"gives outputs of shape [{string.Join(", ", outDims)}]; expected [N, classes]");
        Classes = outDims[1];
        _input = input;
        _output = output;
        OutputsProbabilities = output == "probabilities";
        Architecture = session.ModelMetadata.CustomMetadataMap.TryGetValue("architecture", out var architecture) ? $"{architecture} (ONNX)" : $"ONNX model {Path.GetFileName(path)}";
    }

    /// <summary>Loads <paramref name="path"/>; a file ONNX Runtime cannot load, or of another shape, is a <see cref="MnistDataException"/> naming it.</summary>
    public static OnnxModel Load(string path, int threads = 0)
    {
        if (Directory.Exists(path)) throw new MnistDataException(path, "is a directory, not a model file");
        if (!File.Exists(path)) throw new MnistDataException(path, "model file not found");
        try
        {
            return new OnnxModel(path, new InferenceSession(path, Options(threads)));
        }
        catch (OnnxRuntimeException e)
        {
            string first = e.Message.Split('\n')[0].Trim();
            throw new MnistDataException(path, $"is not an ONNX model ONNX Runtime can load ({first})");
        }
    }

    /// <summary>A model from its bytes (<c>mnist bench --onnx</c> runs our export without a file).</summary>
    public static OnnxModel FromBytes(byte[] model, int threads, string name = "exported model")
    {
        return new OnnxModel(name, new InferenceSession(model, Options(threads)));
    }

    // ORT's default CPU provider with threads (0: its own choice); its log stays quiet, our errors say what failed
    private static SessionOptions Options(int threads) =>
        new() { IntraOpNumThreads = threads, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };

    /// <summary>The architecture from the model's metadata, marked as ONNX.</summary>
    public string Architecture { get; }

    /// <summary>Classes per sample.</summary>
    public int Classes { get; }

    /// <summary>True when the model ends with a softmax (<c>mnist export --softmax</c>).</summary>
    public bool OutputsProbabilities { get; }

    /// <summary>The scores (samples × classes, row by row) of <paramref name="samples"/> images of 784 values each, in <paramref name="pixels"/>.</summary>
    public float[] Run(float[] pixels, int samples)
    {
        var shape = new[] { samples }.Concat(_sampleShape).ToArray();
        var tensor = new DenseTensor<float>(pixels.AsMemory(0, samples * 784), shape);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)], [_output]);
        return results.Single().AsEnumerable<float>().ToArray();
    }

    /// <summary>Softmax probabilities of each sample's scores, in place (nothing to do when the model gives probabilities).</summary>
    public void ToProbabilities(Span<float> scores)
    {
        if (OutputsProbabilities) return;
        for (int offset = 0; offset < scores.Length; offset += Classes)
            System.Numerics.Tensors.TensorPrimitives.SoftMax(scores.Slice(offset, Classes), scores.Slice(offset, Classes));
    }

    /// <summary>Accuracy, loss and confusion over <paramref name="test"/>, in calls of <paramref name="chunk"/> images.</summary>
    public Training.EvaluationResult Evaluate(Data.MnistSplit test, int chunk = 1000)
    {
        var predictions = new int[test.Count];
        var matrix = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, Math.Min(chunk, test.Count));
        var labels = new int[matrix.ColumnCount];
        double loss = 0;
        for (int first = 0; first < test.Count; first += chunk)
        {
            int count = Math.Min(chunk, test.Count - first);
            if (count != matrix.ColumnCount) (matrix, labels) = (MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, count), new int[count]);
            Training.BatchLoader.LoadRange(test, first, matrix, labels);
            var scores = Run(Kernels.Gemm.Values(matrix), count);
            ToProbabilities(scores);
            for (int n = 0; n < count; n++)
            {
                var p = scores.AsSpan(n * Classes, Classes);
                predictions[first + n] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p);
                loss -= Math.Log(Math.Max(p[test.Labels[first + n]], 1e-30f));
            }
        }
        return new Training.EvaluationResult(test.Labels, predictions, loss / Math.Max(1, test.Count), Classes);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
