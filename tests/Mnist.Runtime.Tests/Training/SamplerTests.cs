using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class SamplerTests
{
    [Fact]
    public void Sampling_with_replacement_is_reproducible_by_seed()
    {
        int[] First(int seed) { var a = new int[64]; new RandomBatchSampler(1000, seed).Next(a); return a; }
        Assert.Equal(First(5), First(5));
        Assert.NotEqual(First(5), First(6));
        Assert.All(First(5), i => Assert.InRange(i, 0, 999));
    }

    [Fact]
    public void Shuffled_epochs_visit_every_sample_once_per_pass()
    {
        var sampler = new ShuffledBatchSampler(10, seed: 3);
        var batch = new int[4];
        var seen = new List<int>();
        for (int i = 0; i < 5; i++) { sampler.Next(batch); seen.AddRange(batch); }
        Assert.Equal(Enumerable.Range(0, 10), seen.Take(10).Order());
        Assert.Equal(Enumerable.Range(0, 10), seen.Skip(10).Take(10).Order());
        Assert.NotEqual(seen.Take(10), seen.Skip(10).Take(10));
    }
}
