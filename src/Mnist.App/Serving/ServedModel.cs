using System.Collections.Concurrent;
using MathNet.Numerics.LinearAlgebra;
using Mnist.App.Cli;
using Mnist.Training;

namespace Mnist.App.Serving;

/// <summary>
/// One model `mnist serve` answers with: the network from its checkpoint, its test accuracy from the run's
/// history when there is one, and a small pool of one-image workspaces (one per concurrent request, made on
/// first need and reused), so a prediction allocates little beyond its answer.
/// </summary>
public sealed class ServedModel
{
    private readonly INetwork _network;
    private readonly ConcurrentBag<(NetworkWorkspace Workspace, Matrix<float> Input, int[] Prediction)> _pool = new();

    private ServedModel(string path, INetwork network, double? accuracy)
    {
        Path = path;
        _network = network;
        Accuracy = accuracy;
        Name = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))) is { Length: > 0 } run ? $"{run}/{System.IO.Path.GetFileName(path)}" : System.IO.Path.GetFileName(path);
    }

    /// <summary>Loads <paramref name="path"/> (an MLP or convnet checkpoint).</summary>
    public static ServedModel Load(string path)
    {
        var network = ModelFiles.Load(path);
        double? accuracy = null;
        string history = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "history.csv");
        if (File.Exists(history))
        {
            try { accuracy = TrainingHistory.Load(history).Rows.LastOrDefault()?.TestAccuracy; }
            catch (MnistDataException) { } // a model beside a broken history still serves, without an accuracy
        }
        return new ServedModel(path, network, accuracy);
    }

    /// <summary>The network (read-only use: each caller brings its own workspace).</summary>
    public INetwork Network => _network;

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>How the page and the API name it: <c>RUN/model.npz</c>.</summary>
    public string Name { get; }

    /// <summary><c>mlp</c> or <c>convnet</c>.</summary>
    public string Kind => Model.Architectures.NameOf(_network);

    /// <summary>The architecture string.</summary>
    public string Architecture => _network.Architecture;

    /// <summary>The last test accuracy in the run's history.csv, if any.</summary>
    public double? Accuracy { get; }

    /// <summary>The probabilities of the classes for one 28×28 image of bytes (0–255), as <c>mnist predict</c> computes them.</summary>
    public float[] Predict(ReadOnlySpan<byte> pixels)
    {
        if (!_pool.TryTake(out var slot))
            slot = (_network.CreateWorkspace(1), Matrix<float>.Build.Dense(_network.InputSize, 1), new int[1]);
        try
        {
            BatchLoader.Scale(pixels, Kernels.Gemm.Values(slot.Input));
            _network.Predict(slot.Input, slot.Prediction, slot.Workspace);
            var probabilities = new float[_network.OutputSize];
            for (int c = 0; c < probabilities.Length; c++) probabilities[c] = slot.Workspace.Probabilities[c, 0];
            return probabilities;
        }
        finally
        {
            _pool.Add(slot);
        }
    }
}
