using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Modeling;

namespace Mnist.Training;

/// <summary>
/// Runs a network over a whole split in chunks. Each worker thread owns one chunk's buffers
/// (inputs, labels, workspace), reused for every evaluation, and the chunks are spread over the
/// workers; a shorter final chunk has buffers of its own. Keeps each sample's prediction (and,
/// after <see cref="Run"/>, its confidence) from the last run.
/// </summary>
public sealed class Evaluator
{
    private readonly INetwork _network;
    private readonly MnistSplit _split;
    private readonly Chunk[] _workers;
    private readonly Chunk? _tail;
    private readonly int _chunkSize;
    private readonly int _fullChunks;
    // The split never changes: each chunk's nonzero pattern is analysed at the first evaluation
    // and reused, so later evaluations neither convert pixels to floats nor look for zeros.
    private readonly Modeling.SparseInputs?[] _patterns;

    /// <summary>An evaluator of <paramref name="network"/> on <paramref name="split"/>, <paramref name="chunk"/> samples at a time on up to <paramref name="threads"/> threads.</summary>
    public Evaluator(INetwork network, MnistSplit split, int chunk = 1000, int threads = 1)
    {
        _network = network;
        _split = split;
        _chunkSize = Math.Max(1, Math.Min(chunk, split.Count));
        _fullChunks = split.Count / _chunkSize;
        int remainder = split.Count % _chunkSize;
        _workers = Enumerable.Range(0, Math.Clamp(threads, 1, Math.Max(1, _fullChunks))).Select(_ => new Chunk(network, _chunkSize)).ToArray();
        _tail = remainder == 0 ? null : new Chunk(network, remainder);
        Predictions = new int[split.Count];
        Confidences = new float[split.Count];
        _patterns = new Modeling.SparseInputs?[_fullChunks + 1];
    }

    /// <summary>Predicted class of every sample, from the last run.</summary>
    public int[] Predictions { get; }

    /// <summary>Softmax probability of the predicted class of every sample, from the last <see cref="Run"/>.</summary>
    public float[] Confidences { get; }

    /// <summary>When false, the first layer multiplies every input, zeros included (for measuring).</summary>
    public bool SkipZeroInputs
    {
        get => _workers[0].Workspace.SkipZeroInputs;
        set
        {
            foreach (var chunk in _workers.Append(_tail).OfType<Chunk>()) chunk.Workspace.SkipZeroInputs = value;
        }
    }

    /// <summary>Predicts every sample with its confidence; returns the mean loss.</summary>
    public double Run()
    {
        var losses = new double[_fullChunks + 1];
        ForEachChunk((chunk, first, index) =>
        {
            losses[index] = _network.Loss(chunk.Inputs, chunk.Labels, chunk.Workspace) * (double)chunk.Size;
            var probabilities = chunk.Workspace.Probabilities;
            SoftmaxCrossEntropy.ArgMax(probabilities, Predictions.AsSpan(first, chunk.Size));
            var values = Gemm.Values(probabilities);
            int classes = probabilities.RowCount;
            for (int j = 0; j < chunk.Size; j++) Confidences[first + j] = values[j * classes + Predictions[first + j]];
        });
        return losses.Sum() / Math.Max(1, _split.Count);
    }

    /// <summary>Fraction predicted correctly (forward and argmax only: the cheapest pass).</summary>
    public double Accuracy()
    {
        ForEachChunk((chunk, first, _) => SoftmaxCrossEntropy.ArgMax(_network.Forward(chunk.Inputs, chunk.Workspace), Predictions.AsSpan(first, chunk.Size)));
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

    /// <summary>Loads each chunk into its worker's buffers and calls <paramref name="work"/>(chunk, first sample, chunk index).</summary>
    private void ForEachChunk(Action<Chunk, int, int> work)
    {
        void Worker(int w)
        {
            for (int index = w; index < _fullChunks; index += _workers.Length) Process(_workers[w], index, work);
        }

        LinearAlgebra.ColumnSplit.Split(_workers.Length, _workers.Length, 1, (first, last) =>
        {
            for (int w = first; w < last; w++) Worker(w);
        });
        if (_tail is not null) Process(_tail, _fullChunks, work);
    }

    private void Process(Chunk chunk, int index, Action<Chunk, int, int> work)
    {
        int first = index * _chunkSize;
        if (_patterns[index] is { IsSparse: true } pattern && chunk.Workspace.SkipZeroInputs)
        {
            for (int j = 0; j < chunk.Size; j++) chunk.Labels[j] = _split.Labels[first + j];
            chunk.Workspace.PrepareInputs(pattern);
            work(chunk, first, index);
            return;
        }
        BatchLoader.LoadRange(_split, first, chunk.Inputs, chunk.Labels);
        work(chunk, first, index);
        if (_patterns[index] is null && chunk.Workspace.InputPattern.IsSparse)
            _patterns[index] = chunk.Workspace.InputPattern.Trimmed();
    }

    private sealed class Chunk(INetwork network, int size)
    {
        public int Size { get; } = size;
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(network.InputSize, size);
        public int[] Labels { get; } = new int[size];
        public NetworkWorkspace Workspace { get; } = network.CreateWorkspace(size);
    }
}
