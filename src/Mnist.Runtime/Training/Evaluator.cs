using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Modeling;

namespace Mnist.Training;

/// <summary>
/// Runs a network over a whole split in chunks that reuse one workspace (and one more for a final
/// shorter chunk), so an evaluation allocates nothing after the first. Keeps each sample's
/// prediction and confidence from the last run.
/// </summary>
public sealed class Evaluator
{
    private readonly INetwork _network;
    private readonly MnistSplit _split;
    private readonly Chunk _full;
    private readonly Chunk? _last;

    /// <summary>An evaluator of <paramref name="network"/> on <paramref name="split"/>, <paramref name="chunk"/> samples at a time.</summary>
    public Evaluator(INetwork network, MnistSplit split, int chunk = 1000)
    {
        _network = network;
        _split = split;
        int size = Math.Max(1, Math.Min(chunk, split.Count));
        _full = new Chunk(network, size);
        int remainder = split.Count % size;
        _last = remainder == 0 ? null : new Chunk(network, remainder);
        Predictions = new int[split.Count];
        Confidences = new float[split.Count];
    }

    /// <summary>Predicted class of every sample, from the last run.</summary>
    public int[] Predictions { get; }

    /// <summary>Softmax probability of the predicted class of every sample, from the last run.</summary>
    public float[] Confidences { get; }

    /// <summary>Predicts every sample; returns the mean loss.</summary>
    public double Run()
    {
        double totalLoss = 0;
        for (int first = 0; first < _split.Count;)
        {
            var chunk = _split.Count - first >= _full.Size ? _full : _last!;
            BatchLoader.LoadRange(_split, first, chunk.Inputs, chunk.Labels);
            totalLoss += _network.Loss(chunk.Inputs, chunk.Labels, chunk.Workspace) * (double)chunk.Size;
            var probabilities = chunk.Workspace.Probabilities;
            SoftmaxCrossEntropy.ArgMax(probabilities, Predictions.AsSpan(first, chunk.Size));
            var values = Gemm.Values(probabilities);
            int classes = probabilities.RowCount;
            for (int j = 0; j < chunk.Size; j++) Confidences[first + j] = values[j * classes + Predictions[first + j]];
            first += chunk.Size;
        }
        return totalLoss / Math.Max(1, _split.Count);
    }

    /// <summary>Fraction predicted correctly.</summary>
    public double Accuracy()
    {
        Run();
        int correct = 0;
        for (int i = 0; i < _split.Count; i++) if (Predictions[i] == _split.Labels[i]) correct++;
        return (double)correct / Math.Max(1, _split.Count);
    }

    /// <summary>Accuracy, loss, confusion matrix and per-class precision and recall.</summary>
    public EvaluationResult Evaluate()
    {
        double loss = Run();
        return new EvaluationResult(_split.Labels, Predictions, loss, _network.OutputSize);
    }

    private sealed class Chunk(INetwork network, int size)
    {
        public int Size { get; } = size;
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(network.InputSize, size);
        public int[] Labels { get; } = new int[size];
        public NetworkWorkspace Workspace { get; } = network.CreateWorkspace(size);
    }
}
