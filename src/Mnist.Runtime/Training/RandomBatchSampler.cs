namespace Mnist.Training;

/// <summary>Uniform sampling with replacement, like the original's <c>np.random.randint(0, n, [32])</c>.</summary>
public sealed class RandomBatchSampler(int count, int seed) : IBatchSampler
{
    private readonly Random _random = new(seed);

    /// <inheritdoc />
    public void Next(Span<int> indices)
    {
        for (int i = 0; i < indices.Length; i++) indices[i] = _random.Next(count);
    }
}
