using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Modeling;

/// <summary>
/// Prediction of a large batch on several threads, chunk by chunk: each thread takes the next
/// chunk of samples through every step — finding its zero inputs, every layer, softmax, argmax —
/// before it takes another. Finding the zeros waits on memory (a large batch of floats is far
/// bigger than the caches) and the layers on arithmetic; with each thread at a different step of
/// a different chunk the two overlap, where splitting each step over all threads made every
/// thread wait on memory at the same time. The pixels nonzero in 30% of the images or more are
/// multiplied as one dense product (<see cref="DenseFeatures"/>): each sample's sums are the same
/// terms as in one pass, added in another order.
/// </summary>
public static class ChunkedInference
{
    /// <summary>Samples per chunk.</summary>
    public const int Chunk = 500;

    /// <summary>Features nonzero in at least this fraction of a batch's images are multiplied densely (on MNIST ~240 of the 784 pixels; 0.2–0.35 measured alike, 15–20% faster than none).</summary>
    public const double DenseFraction = 0.3;

    /// <summary>
    /// The generated <c>Predict</c> asks here first: a batch of at least two chunks, on a backend
    /// with more than one thread, skipping zero inputs, is predicted chunk by chunk (predictions,
    /// and the softmax in <see cref="NetworkWorkspace.Probabilities"/>) and true is returned;
    /// otherwise nothing is done and false is returned.
    /// </summary>
    public static bool TryPredict(INetwork network, Matrix<float> inputs, Span<int> predictions, NetworkWorkspace workspace)
    {
        int columns = inputs.ColumnCount, threads = Gemm.Threads;
        if (threads < 2 || columns < 2 * Chunk || !workspace.SkipZeroInputs) return false;
        // shapes the normal path refuses, it refuses with its own messages
        if (inputs.RowCount != network.InputSize || columns != workspace.BatchSize || predictions.Length < columns) return false;

        var buffers = workspace.ChunkBuffers ??= new Buffers(network, threads, columns);
        // the features nonzero in 30% of the images or more are multiplied densely (see DenseFeatures)
        var dense = network.Layers.Count > 0 ? DenseFeatures.Frequent(inputs, DenseFraction) : [];
        int units = network.Layers.Count > 0 ? network.Layers[0].Outputs : 0;
        int chunks = (columns + Chunk - 1) / Chunk, next = -1;
        LinearAlgebra.ColumnSplit.Split(buffers.Workers.Length, buffers.Workers.Length, 1, (first, last) =>
        {
            for (int w = first; w < last; w++)
                for (int chunk; (chunk = Interlocked.Increment(ref next)) < chunks;)
                    Predict(network, inputs, chunk * Chunk, Math.Min(Chunk, columns - chunk * Chunk), buffers.Workers[w], buffers.Predictions, workspace.Probabilities, dense, units);
        });
        buffers.Predictions.AsSpan(0, columns).CopyTo(predictions);
        return true;
    }

    private static void Predict(INetwork network, Matrix<float> inputs, int first, int size, Worker worker, int[] predictions, Matrix<float> probabilities, int[] dense, int units)
    {
        var chunk = worker.For(size);
        chunk.Pattern.RecordDensely(dense, units);
        chunk.Pattern.Analyze(inputs, first, size);
        if (chunk.Pattern.IsSparse)
        {
            chunk.Workspace.PrepareInputs(chunk.Pattern); // the chunk's input matrix is not read
        }
        else
        {
            int features = inputs.RowCount;
            Array.Copy(Gemm.Values(inputs), (long)first * features, Gemm.Values(chunk.Inputs), 0, (long)size * features);
        }
        var logits = network.Forward(chunk.Inputs, chunk.Workspace);
        SoftmaxCrossEntropy.Softmax(logits, chunk.Workspace.Probabilities);
        SoftmaxCrossEntropy.ArgMax(logits, predictions.AsSpan(first, size));
        int classes = probabilities.RowCount;
        Array.Copy(Gemm.Values(chunk.Workspace.Probabilities), 0, Gemm.Values(probabilities), (long)first * classes, (long)size * classes);
    }

    /// <summary>What one workspace keeps for chunked prediction: a worker per thread, and the predictions.</summary>
    internal sealed class Buffers(INetwork network, int threads, int columns)
    {
        public Worker[] Workers { get; } = Enumerable.Range(0, threads).Select(_ => new Worker(network)).ToArray();
        public int[] Predictions { get; } = new int[columns];
    }

    /// <summary>One thread's buffers: a full chunk's and, made when first needed, the shorter last chunk's.</summary>
    internal sealed class Worker(INetwork network)
    {
        private ChunkBuffer? _full, _last;

        public ChunkBuffer For(int size) =>
            size == Chunk ? _full ??= new ChunkBuffer(network, size) : _last?.Size == size ? _last : _last = new ChunkBuffer(network, size);
    }

    internal sealed class ChunkBuffer(INetwork network, int size)
    {
        public int Size { get; } = size;
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(network.InputSize, size);
        public SparseInputs Pattern { get; } = new(network.InputSize, size);
        public NetworkWorkspace Workspace { get; } = network.CreateWorkspace(size);
    }
}
