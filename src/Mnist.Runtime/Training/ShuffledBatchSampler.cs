namespace Mnist.Training;

/// <summary>Epochs: every sample once per pass, in a fresh random order each pass (a batch may span two passes).</summary>
public sealed class ShuffledBatchSampler : IBatchSampler
{
    private readonly Random _random;
    private readonly int[] _order;
    private int _position;

    /// <summary>A sampler over <paramref name="count"/> samples.</summary>
    public ShuffledBatchSampler(int count, int seed)
    {
        _random = new Random(seed);
        _order = Enumerable.Range(0, count).ToArray();
        _position = count;
    }

    /// <inheritdoc />
    public void Next(Span<int> indices)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if (_position == _order.Length)
            {
                _random.Shuffle(_order);
                _position = 0;
            }
            indices[i] = _order[_position++];
        }
    }
}
