namespace Mnist;

/// <summary>
/// Inverted dropout: in training each value is zeroed with probability <see cref="Rate"/> and the others are
/// scaled by 1 / (1 − rate); in inference the identity. The masks are drawn from (<see cref="Seed"/>,
/// <see cref="Passes"/>), so a run is reproducible and a resumed one (passes set to the step) draws the same.
/// </summary>
public sealed class DropoutLayer(string name, SampleShape shape, double rate, int seed) : Layer(name, "dropout", shape, shape)
{
    /// <summary>Probability of zeroing a value.</summary>
    public double Rate { get; } = rate;

    /// <summary>Seed of the masks (the network's seed).</summary>
    public int Seed { get; } = seed;

    /// <summary>Training passes so far: the next mask is the one of pass number <c>Passes</c>.</summary>
    public long Passes { get; set; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [];
}
