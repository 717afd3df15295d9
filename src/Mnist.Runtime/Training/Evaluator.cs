using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Kernels;

namespace Mnist.Training;

/// <summary>
/// Runs a network over a whole split in chunks. Each worker owns one chunk's buffers (inputs,
/// labels, workspace), reused for every evaluation, and the chunks are spread over the workers.
/// Keeps each sample's prediction (and, after <see cref="Run"/>, its confidence) from the last run.
/// </summary>
public sealed class Evaluator
{
    private readonly INetwork _network;
    private readonly MnistSplit _split;
    private readonly Worker[] _workers;
    private readonly int _chunkSize;
    private readonly int _fullChunks;
    // The split never changes: each chunk's nonzero pattern is analysed at the first evaluation
    // and reused, so later evaluations neither convert pixels to floats nor look for zeros.
    private readonly SparsePattern?[] _patterns;

    /// <summary>An evaluator of <paramref name="network"/> on <paramref name="split"/>, <paramref name="chunk"/> samples at a time on up to <paramref name="threads"/> threads.</summary>
    public Evaluator(INetwork network, MnistSplit split, int chunk = 1000, int threads = 1)
    {
        if (split.ImageSize != network.InputSize)
            throw new ArgumentException($"the images are {split.Shape} ({split.ImageSize} values); the network takes {network.InputShape}", nameof(split));
        _network = network;
        _split = split;
        _chunkSize = Math.Max(1, Math.Min(chunk, split.Count));
        _fullChunks = split.Count / _chunkSize;
        Chunks = (split.Count + _chunkSize - 1) / _chunkSize;
        _workers = Enumerable.Range(0, Math.Clamp(threads, 1, Math.Max(1, Chunks))).Select(_ => new Worker(network, _chunkSize)).ToArray();
        _predictions = new int[split.Count];
        _confidences = new float[split.Count];
        _patterns = new SparsePattern?[Chunks];
    }

    private readonly int[] _predictions;
    private readonly float[] _confidences;

    /// <summary>Predicted class of every sample, from the last <see cref="Run"/> or <see cref="Accuracy()"/>.</summary>
    public ReadOnlySpan<int> Predictions => _predictions;

    /// <summary>Softmax probability of the predicted class of every sample, from the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Confidences => _confidences;

    /// <summary>Chunks the split is evaluated in.</summary>
    public int Chunks { get; }

    /// <summary>Workers, each with buffers of its own: as many threads can evaluate chunks at the same time.</summary>
    public int Workers => _workers.Length;

    /// <summary>When false, the first layer multiplies every input, zeros included (for measuring).</summary>
    public bool SkipZeroInputs { get; set; } = true;

    /// <summary>Predicts every sample with its confidence; returns the mean loss.</summary>
    public double Run()
    {
        var losses = new double[Chunks];
        ForEachChunk((chunk, first, index) =>
        {
            losses[index] = _network.EvaluationLoss(chunk.Batch, chunk.Labels, chunk.Workspace) * (double)chunk.Size;
            var probabilities = chunk.Workspace.Probabilities;
            SoftmaxCrossEntropy.ArgMax(probabilities, _predictions.AsSpan(first, chunk.Size));
            var values = Gemm.Values(probabilities);
            int classes = probabilities.RowCount;
            for (int j = 0; j < chunk.Size; j++) _confidences[first + j] = values[j * classes + _predictions[first + j]];
        });
        return losses.Sum() / Math.Max(1, _split.Count);
    }

    /// <summary>Fraction predicted correctly (forward and argmax only: the cheapest pass).</summary>
    public double Accuracy()
    {
        ForEachChunk((chunk, first, _) => SoftmaxCrossEntropy.ArgMax(_network.Forward(chunk.Batch, chunk.Workspace), _predictions.AsSpan(first, chunk.Size)));
        return (double)Correct(_predictions, 0) / Math.Max(1, _split.Count);
    }

    /// <summary>
    /// How many samples of chunk <paramref name="index"/> <paramref name="network"/> (this evaluator's
    /// network or another of its type, a snapshot say) predicts correctly, in the buffers of worker
    /// <paramref name="worker"/>, which no other thread may use meanwhile. <see cref="Predictions"/> is left alone.
    /// </summary>
    public int CountCorrect(INetwork network, int index, int worker)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Chunks);
        var buffers = _workers[worker];
        var chunk = buffers.For(ChunkSize(index));
        int first = Load(chunk, index);
        var predictions = buffers.Predictions.AsSpan(0, chunk.Size);
        SoftmaxCrossEntropy.ArgMax(network.Forward(chunk.Batch, chunk.Workspace), predictions);
        Remember(chunk, index);
        return Correct(predictions, first);
    }

    /// <summary>Accuracy, loss, confusion matrix and per-class precision and recall.</summary>
    public EvaluationResult Evaluate()
    {
        double loss = Run();
        return new EvaluationResult(_split.Labels, _predictions, loss, _network.OutputSize);
    }

    private int ChunkSize(int index) => index == _fullChunks ? _split.Count - index * _chunkSize : _chunkSize;

    private int Correct(ReadOnlySpan<int> predictions, int first)
    {
        var labels = _split.Labels.AsSpan(first, predictions.Length);
        int correct = 0;
        for (int i = 0; i < predictions.Length; i++) if (predictions[i] == labels[i]) correct++;
        return correct;
    }

    /// <summary>Loads each chunk into a worker's buffers and calls <paramref name="work"/>(chunk, first sample, chunk index).</summary>
    private void ForEachChunk(Action<Chunk, int, int> work)
    {
        LinearAlgebra.ColumnSplit.Split(_workers.Length, _workers.Length, 1, (first, last) =>
        {
            for (int w = first; w < last; w++)
            {
                for (int index = w; index < Chunks; index += _workers.Length)
                {
                    var chunk = _workers[w].For(ChunkSize(index));
                    work(chunk, Load(chunk, index), index);
                    Remember(chunk, index);
                }
            }
        });
    }

    /// <summary>Makes chunk <paramref name="index"/> the inputs of <paramref name="chunk"/>'s buffers; returns its first sample.</summary>
    private int Load(Chunk chunk, int index)
    {
        int first = index * _chunkSize;
        chunk.Workspace.SkipZeroInputs = SkipZeroInputs;
        if (Volatile.Read(ref _patterns[index]) is { IsSparse: true } pattern && SkipZeroInputs)
        {
            for (int j = 0; j < chunk.Size; j++) chunk.Labels[j] = _split.Labels[first + j];
            chunk.Batch = Batch.FromPattern(pattern);
        }
        else
        {
            BatchLoader.LoadRange(_split, first, chunk.Inputs, chunk.Labels);
            chunk.Batch = chunk.Inputs;
        }
        return first;
    }

    // Keeps the pattern the first pass over a chunk found. Two threads analysing the same chunk
    // at once (evaluations of two snapshots) find the same pattern, so either copy will do.
    private void Remember(Chunk chunk, int index)
    {
        if (_patterns[index] is null && chunk.Workspace.Input.Pattern is { IsSparse: true } found)
            Volatile.Write(ref _patterns[index], found.Trimmed());
    }

    /// <summary>One worker's buffers: a full chunk's and, created when first needed, the shorter last chunk's.</summary>
    private sealed class Worker(INetwork network, int chunkSize)
    {
        private readonly Chunk _full = new(network, chunkSize);
        private Chunk? _last;

        public int[] Predictions { get; } = new int[chunkSize];

        public Chunk For(int size) => size == _full.Size ? _full : (_last ??= new Chunk(network, size));
    }

    private sealed class Chunk(INetwork network, int size)
    {
        public int Size { get; } = size;
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(network.InputSize, size);
        public int[] Labels { get; } = new int[size];
        public NetworkWorkspace Workspace { get; } = network.CreateWorkspace(size);

        /// <summary>The chunk as the network reads it: its kept pattern, or the float matrix just loaded.</summary>
        public Batch Batch { get; set; }
    }
}
