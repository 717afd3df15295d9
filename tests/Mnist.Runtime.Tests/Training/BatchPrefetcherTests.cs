using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class BatchPrefetcherTests
{
    [Theory]
    [InlineData(2, false, false)] // the training thread prepares every batch itself
    [InlineData(2, true, false)] // a thread of the prefetcher's own keeps the slots full
    [InlineData(8, false, true)] // a helper thread fills slots whenever it likes, racing the training thread
    public async Task Batches_come_in_the_samplers_order_whoever_prepares_them(int slots, bool ownThread, bool helper)
    {
        var split = LearnableData.Split(200, 4, sparse: true);
        var expected = new RandomBatchSampler(split.Count, 11);
        using var batches = new BatchPrefetcher(split, new RandomBatchSampler(split.Count, 11), 784, 16, skipZeroInputs: true, slots, ownThread);
        using var stop = new CancellationTokenSource();
        var helping = helper
            ? Task.Run(() => { while (!stop.IsCancellationRequested) batches.PrepareAhead(); })
            : Task.CompletedTask;

        var indices = new int[16];
        for (int b = 0; b < 300; b++)
        {
            var slot = batches.Next();
            expected.Next(indices);
            Assert.Equal(indices, slot.Indices);
            Assert.Equal(indices.Select(i => (int)split.Labels[i]), slot.Labels);
            Assert.True(slot.Pattern.IsSparse);
            Assert.Equal(16, slot.Pattern.Samples);
            batches.Release();
        }
        stop.Cancel();
        await helping;
    }

    [Theory]
    [InlineData(2, false, false)]
    [InlineData(2, true, false)]
    [InlineData(8, false, true)]
    public async Task A_batch_that_fails_to_load_fails_the_training_thread_whoever_prepared_it(int slots, bool ownThread, bool helper)
    {
        var split = LearnableData.Split(50, 4, sparse: true);
        using var batches = new BatchPrefetcher(split, new BadFifthBatch(), 784, 4, skipZeroInputs: true, slots, ownThread);
        using var stop = new CancellationTokenSource();
        var helping = helper
            ? Task.Run(() => { while (!stop.IsCancellationRequested) batches.PrepareAhead(); })
            : Task.CompletedTask;

        for (int b = 0; b < 4; b++)
        {
            batches.Next();
            batches.Release();
        }
        Assert.ThrowsAny<ArgumentException>(() => batches.Next());
        stop.Cancel();
        await helping;
    }

    // Images 0..3 for four batches, then one past the end of a 50-image split.
    private sealed class BadFifthBatch : IBatchSampler
    {
        private int _batches;

        public void Next(Span<int> indices)
        {
            for (int j = 0; j < indices.Length; j++) indices[j] = _batches == 4 ? 50 : j;
            _batches++;
        }
    }
}
