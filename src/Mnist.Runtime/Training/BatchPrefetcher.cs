using System.Runtime.ExceptionServices;
using MathNet.Numerics.LinearAlgebra;
using Mnist.Data;
using Mnist.Kernels;

namespace Mnist.Training;

/// <summary>
/// Prepares training batches ahead of the training thread: sampling, finding the nonzero inputs
/// (by sample and by feature) or else loading the pixels as floats. Batches pass through a ring of
/// slots in the sampler's order, and each is prepared by whichever thread gets to it first: the
/// training thread when it needs it (<see cref="Next"/>), a thread of the prefetcher's own, or any
/// thread with a moment to spare (<see cref="PrepareAhead"/>: the evaluation threads between two
/// chunks). The sampler is always called in batch order, so a seeded run is the same however the
/// work is shared. Nothing allocates per batch.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly Slot[] _slots;
    private readonly MnistSplit _train;
    private readonly IBatchSampler _sampler;
    private readonly bool _skipZeroInputs;
    private readonly Augmentation? _augmentation;
    private readonly long _firstBatch;
    private readonly int[] _ahead;
    private readonly Thread? _thread;
    private readonly object _gate = new();
    private long _claimed; // batches whose preparation has begun
    private long _used; // the batch the training thread holds, or asks for next
    private bool _sampledAhead, _stopping;

    /// <param name="train">The images to sample from.</param>
    /// <param name="sampler">Chooses each batch's images.</param>
    /// <param name="inputs">Features per image.</param>
    /// <param name="batch">Images per batch.</param>
    /// <param name="skipZeroInputs">Record where the nonzero inputs are (else every batch is dense floats).</param>
    /// <param name="slots">Batches that can be ready at once (at least 2: the one in use and the next).</param>
    /// <param name="ownThread">Start a thread that keeps every slot full.</param>
    /// <param name="augmentation">Transforms each image of a batch as it is prepared (none when null).</param>
    /// <param name="firstBatch">The number of the first batch (a resumed run's first step), which the augmentation is keyed by.</param>
    public BatchPrefetcher(MnistSplit train, IBatchSampler sampler, int inputs, int batch, bool skipZeroInputs, int slots = 2, bool ownThread = false,
        Augmentation? augmentation = null, long firstBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 2);
        _train = train;
        _sampler = sampler;
        _skipZeroInputs = skipZeroInputs;
        _augmentation = augmentation;
        _firstBatch = firstBatch;
        _slots = Enumerable.Range(0, slots).Select(_ => new Slot(inputs, batch, skipZeroInputs, augmentation is null ? null : train.Shape)).ToArray();
        _ahead = new int[batch];
        if (!ownThread) return;
        _thread = new Thread(Produce) { IsBackground = true, Name = "mnist batch prefetch" };
        _thread.Start();
    }

    /// <summary>The next batch: ready, or prepared now, or waited for while another thread prepares it. Valid until <see cref="Release"/>.</summary>
    public Slot Next()
    {
        var slot = _slots[_used % _slots.Length];
        bool mine = false;
        lock (_gate)
        {
            while (!slot.Ready && !mine)
            {
                if (_claimed == _used)
                {
                    Claim(); // nobody has begun this batch: prepare it here
                    mine = true;
                }
                else
                {
                    Monitor.Wait(_gate); // another thread is preparing it
                }
            }
        }
        if (mine) Prepared(slot);
        slot.Failure?.Throw();
        return slot;
    }

    /// <summary>Hands the batch returned by <see cref="Next"/> back for refilling.</summary>
    public void Release()
    {
        lock (_gate)
        {
            var slot = _slots[_used % _slots.Length];
            slot.Ready = false;
            slot.Failure = null;
            _used++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Prepares batches on the calling thread until every slot is full (or another thread is filling it).</summary>
    public void PrepareAhead()
    {
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                if (_stopping || _claimed >= _used + _slots.Length) return;
                slot = Claim();
            }
            Prepared(slot);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _thread?.Join();
    }

    private void Produce()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_stopping && _claimed >= _used + _slots.Length) Monitor.Wait(_gate);
                if (_stopping) return;
            }
            PrepareAhead();
        }
    }

    // Under the lock: the next batch's slot, with its images chosen. The sampler runs one batch
    // ahead, so that the following batch's images are on their way into the cache meanwhile.
    private Slot Claim()
    {
        var slot = _slots[_claimed % _slots.Length];
        slot.Number = _firstBatch + _claimed;
        if (!_sampledAhead) _sampler.Next(_ahead);
        _ahead.CopyTo(slot.Indices);
        _sampler.Next(_ahead);
        _sampledAhead = true;
        BatchLoader.Prefetch(_train, _ahead);
        _claimed++;
        return slot;
    }

    // Loads a claimed slot's batch (outside the lock) and marks it ready. A failure is kept with the
    // slot, so that the training thread meets it in Next whichever thread prepared the batch.
    private void Prepared(Slot slot)
    {
        try
        {
            // a sparse batch is read from its pattern alone: found from the bytes, it needs no float matrix
            var images = _train;
            int[] indices = slot.Indices;
            if (_augmentation is not null)
            {
                // the batch's images, transformed, become a split of their own
                var augmented = slot.Augmented!;
                for (int j = 0; j < slot.Indices.Length; j++)
                {
                    _augmentation.Apply(_train.Image(slot.Indices[j]), augmented.Images.AsSpan(j * augmented.ImageSize, augmented.ImageSize), _train.Shape, slot.Number, j);
                    augmented.Labels[j] = _train.Labels[slot.Indices[j]];
                }
                images = augmented;
                indices = slot.Identity;
            }
            // too dense for the sparse kernels, it is the float matrix (the pattern is left marked dense)
            if (!_skipZeroInputs || !BatchLoader.TryLoadSparse(images, indices, slot.Pattern, slot.Labels))
                BatchLoader.Load(images, indices, slot.Inputs, slot.Labels);
        }
        catch (Exception e)
        {
            slot.Failure = ExceptionDispatchInfo.Capture(e);
        }
        lock (_gate)
        {
            slot.Ready = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>About how many bytes one slot takes: the float batch, and the pattern's lists by sample and by feature.</summary>
    public static long SlotBytes(int inputs, int batch) => checked((long)inputs * batch * (sizeof(float) + 2 * (sizeof(int) + sizeof(float)) / 2) + 64L * batch);

    /// <summary>One batch: inputs (features × batch), labels, and where the nonzero inputs are.</summary>
    internal sealed class Slot(int inputs, int batch, bool sparse, SampleShape? augmentedShape)
    {
        /// <summary>The batch's number (its training step), as the augmentation's key.</summary>
        public long Number { get; set; }

        /// <summary>The batch's images after augmentation, as a split of their own, and the indices 0, 1, ... into it.</summary>
        public MnistSplit? Augmented { get; } = augmentedShape is { } shape ? new MnistSplit(new byte[batch * shape.Features], new byte[batch], shape) : null;

        public int[] Identity { get; } = Enumerable.Range(0, batch).ToArray();

        public Matrix<float> Inputs { get; } = Matrix<float>.Build.Dense(inputs, batch);
        public int[] Labels { get; } = new int[batch];
        public int[] Indices { get; } = new int[batch];
        public SparsePattern Pattern { get; } = new(inputs, sparse ? batch : 1, byFeature: sparse);

        /// <summary>The batch as the network reads it: its pattern alone when it is sparse, else its float matrix.</summary>
        public Batch Batch => Pattern.IsSparse ? Batch.FromPattern(Pattern) : Inputs;

        // under the prefetcher's lock: prepared (or failed to be), and not yet released
        public bool Ready { get; set; }

        public ExceptionDispatchInfo? Failure { get; set; }
    }
}
