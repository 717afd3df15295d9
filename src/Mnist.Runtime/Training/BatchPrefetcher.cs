using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Modeling;

namespace Mnist.Training;

/// <summary>
/// Prepares training batches ahead of the training thread: sampling, loading pixels as floats and
/// finding the nonzero inputs (by sample and by feature) happen on a second thread for batch t+1
/// while the network trains on batch t. Two slots alternate; the batch order is exactly the
/// sampler's, so a seeded run is the same with or without prefetching. Without a second thread
/// (<c>background: false</c>) the same work runs inline. Nothing allocates per batch.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly Slot[] _slots;
    private readonly MnistSplit _train;
    private readonly IBatchSampler _sampler;
    private readonly bool _skipZeroInputs;
    private readonly Thread? _thread;
    private volatile bool _stopping;
    private int _next;

    public BatchPrefetcher(MnistSplit train, IBatchSampler sampler, int inputs, int batch, bool skipZeroInputs, bool background)
    {
        _train = train;
        _sampler = sampler;
        _skipZeroInputs = skipZeroInputs;
        _slots = [new Slot(inputs, batch), new Slot(inputs, batch)];
        if (!background) return;
        _thread = new Thread(Produce) { IsBackground = true, Name = "mnist batch prefetch" };
        _thread.Start();
    }

    /// <summary>The next batch (waits until it is ready); valid until the following call.</summary>
    public Slot Next()
    {
        var slot = _slots[_next];
        if (_thread is null) Prepare(slot);
        else slot.Ready.Wait();
        return slot;
    }

    /// <summary>Hands the batch returned by <see cref="Next"/> back for refilling.</summary>
    public void Release()
    {
        if (_thread is not null) _slots[_next].Free.Release();
        _next ^= 1;
    }

    private void Produce()
    {
        for (int k = 0; ; k ^= 1)
        {
            var slot = _slots[k];
            slot.Free.Wait();
            if (_stopping) return;
            Prepare(slot);
            slot.Ready.Release();
        }
    }

    private void Prepare(Slot slot)
    {
        _sampler.Next(slot.Indices);
        // a sparse batch is read from its pattern alone: found from the bytes, it needs no float matrix
        if (!_skipZeroInputs || !BatchLoader.TryLoadSparse(_train, slot.Indices, slot.Pattern, slot.Labels))
        {
            BatchLoader.Load(_train, slot.Indices, slot.Inputs, slot.Labels);
            slot.Pattern.Analyze(slot.Inputs, _skipZeroInputs);
        }
        if (slot.Pattern.IsSparse) slot.Pattern.Rows();
    }

    public void Dispose()
    {
        if (_thread is null) return;
        _stopping = true;
        foreach (var slot in _slots) slot.Free.Release();
        _thread.Join();
        foreach (var slot in _slots) { slot.Free.Dispose(); slot.Ready.Dispose(); }
    }

    /// <summary>One batch: inputs (features × batch), labels, and where the nonzero inputs are.</summary>
    internal sealed class Slot(int inputs, int batch)
    {
        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(inputs, batch);
        public int[] Labels { get; } = new int[batch];
        public int[] Indices { get; } = new int[batch];
        public SparseInputs Pattern { get; } = new(inputs, batch);
        public SemaphoreSlim Free { get; } = new(1);
        public SemaphoreSlim Ready { get; } = new(0);
    }
}
