using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist;

/// <summary>
/// Predicts large batches fast: on several threads, chunk by chunk (<see cref="Tuning.InferenceChunk"/>
/// samples), each thread taking the next chunk through every step — finding its zero inputs, every
/// layer, softmax, argmax — before it takes another. Finding the zeros waits on memory (a large
/// batch of floats is far bigger than the caches) and the layers on arithmetic; with each thread at
/// a different step of a different chunk the two overlap, where splitting each step over all
/// threads made every thread wait on memory at once. For a dense first layer, the features nonzero
/// in 30% of the images or more are multiplied as one dense product (<see cref="DenseFeatures"/>):
/// each sample's sums are the same terms as in one pass, added in another order. Small batches, one
/// thread, or zero-skipping turned off take the network's own <see cref="INetwork.Predict"/>.
/// </summary>
public sealed class Predictor
{
    private readonly INetwork _network;
    private readonly Dictionary<int, NetworkWorkspace> _whole = [];
    private Worker[]? _workers;
    private int[] _predictions = [];
    private Matrix<float>? _probabilities;

    /// <summary>A predictor for <paramref name="network"/> (its parameters as they are at each call).</summary>
    public Predictor(INetwork network) => _network = network;

    /// <summary>Let the first layer skip zero inputs (default).</summary>
    public bool SkipZeroInputs { get; set; } = true;

    /// <summary>Softmax probabilities (classes × samples) of the last <see cref="Predict"/>.</summary>
    public Matrix<float> Probabilities => _probabilities ?? throw new InvalidOperationException("nothing was predicted yet");

    /// <summary>The most likely class of every sample (column) of <paramref name="inputs"/>; the softmax goes to <see cref="Probabilities"/>.</summary>
    public void Predict(Matrix<float> inputs, Span<int> predictions)
    {
        int columns = inputs.ColumnCount, threads = Gemm.Threads, chunk = Tuning.InferenceChunk;
        if (inputs.RowCount != _network.InputSize) throw new ArgumentException($"inputs have {inputs.RowCount} features; the network takes {_network.InputSize}", nameof(inputs));
        if (predictions.Length < columns) throw new ArgumentException($"{predictions.Length} predictions for {columns} samples", nameof(predictions));
        if (threads < 2 || columns < 2 * chunk || !SkipZeroInputs || !_network.ReadsSparseInputs)
        {
            if (!_whole.TryGetValue(columns, out var workspace)) _whole[columns] = workspace = _network.CreateWorkspace(columns);
            workspace.SkipZeroInputs = SkipZeroInputs;
            _network.Predict(inputs, predictions, workspace);
            _probabilities = workspace.Probabilities;
            return;
        }
        if (_workers?.Length != threads) _workers = Enumerable.Range(0, threads).Select(_ => new Worker(_network)).ToArray();
        if (_predictions.Length < columns) _predictions = new int[columns];
        if (_probabilities is null || _probabilities.ColumnCount != columns) _probabilities = Matrix<float>.Build.Dense(_network.OutputSize, columns);
        // the features nonzero in 30% of the images or more are multiplied densely (see DenseFeatures)
        var dense = DenseFeatures.Frequent(inputs, Tuning.DenseFeatureFraction);
        int units = _network.Layers[0].Output.Features;
        int chunks = (columns + chunk - 1) / chunk, next = -1;
        var workers = _workers;
        var all = _predictions;
        var probabilities = _probabilities;
        LinearAlgebra.ColumnSplit.Split(workers.Length, workers.Length, 1, (first, last) =>
        {
            for (int w = first; w < last; w++)
                for (int c; (c = Interlocked.Increment(ref next)) < chunks;)
                    PredictChunk(inputs, c * chunk, Math.Min(chunk, columns - c * chunk), workers[w], all, probabilities, dense, units);
        });
        _predictions.AsSpan(0, columns).CopyTo(predictions);
    }

    private void PredictChunk(Matrix<float> inputs, int first, int size, Worker worker, int[] predictions, Matrix<float> probabilities, int[] dense, int units)
    {
        var chunk = worker.For(size);
        chunk.Pattern.RecordDensely(dense, units);
        SparseAnalysis.Analyze(chunk.Pattern, inputs, first, size);
        Batch batch;
        if (chunk.Pattern.IsSparse)
        {
            batch = Batch.FromPattern(chunk.Pattern); // the chunk's input matrix is not read
        }
        else
        {
            int features = inputs.RowCount;
            Array.Copy(Gemm.Values(inputs), (long)first * features, Gemm.Values(chunk.Inputs), 0, (long)size * features);
            batch = chunk.Inputs;
        }
        var logits = _network.Forward(batch, chunk.Workspace);
        SoftmaxCrossEntropy.Softmax(logits, chunk.Workspace.Probabilities);
        SoftmaxCrossEntropy.ArgMax(logits, predictions.AsSpan(first, size));
        int classes = probabilities.RowCount;
        Array.Copy(Gemm.Values(chunk.Workspace.Probabilities), 0, Gemm.Values(probabilities), (long)first * classes, (long)size * classes);
    }

    /// <summary>One thread's buffers: a full chunk's and, made when first needed, the shorter last chunk's.</summary>
    private sealed class Worker(INetwork network)
    {
        private ChunkBuffer? _full, _last;

        public ChunkBuffer For(int size) =>
            size == Tuning.InferenceChunk ? _full ??= new ChunkBuffer(network, size) : _last?.Size == size ? _last : _last = new ChunkBuffer(network, size);
    }

    private sealed class ChunkBuffer(INetwork network, int size)
    {
        public int Size { get; } = size;
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(network.InputSize, size);
        public SparsePattern Pattern { get; } = new(network.InputSize, size);
        public NetworkWorkspace Workspace { get; } = network.CreateWorkspace(size);
    }
}
