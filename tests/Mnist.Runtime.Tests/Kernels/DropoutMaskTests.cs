using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>
/// Dropout's masks, drawn a vector at a time, are value for value the SplitMix64 stream drawn one value after another
/// (the masks every earlier run drew, so its numbers stay reproducible), at every vector width CI runs, for lengths
/// that end inside a vector.
/// </summary>
public class DropoutMaskTests
{
    // the stream as SplitMix64 defines it: state += golden, then mix
    private static float[] Reference(ulong state, uint threshold, float keep, int length)
    {
        var mask = new float[length];
        for (int i = 0; i < length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            mask[i] = (uint)(z >> 40) < threshold ? 0f : keep;
        }
        return mask;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(1_000)]
    [InlineData(204_800)] // the convnet's 1600 × 128
    public void The_mask_is_the_sequential_stream(int length)
    {
        foreach (double rate in new[] { 0.5, 0.1, 0.9 })
        {
            ulong state = DropoutKernels.Stream(seed: 7, pass: length);
            uint threshold = (uint)Math.Round(rate * (1 << 24));
            float keep = (float)(1 / (1 - rate));
            var mask = new float[length];
            DropoutKernels.Draw(state, threshold, keep, mask);
            Assert.Equal(Reference(state, threshold, keep, length), mask);
        }
    }

    [Fact]
    public void Forward_keeps_the_rate_and_scales_the_kept()
    {
        var layer = new DropoutLayer("dropout", new SampleShape(1600), 0.25, seed: 3);
        var x = Matrix<float>.Build.Dense(1600, 64, 1f);
        var y = Matrix<float>.Build.Dense(1600, 64);
        var mask = new float[1600 * 64];
        DropoutKernels.Forward(layer, x, y, mask, training: true);
        var values = Gemm.Values(y);
        Assert.All(values, v => Assert.True(v == 0f || v == 1f / 0.75f, $"value {v}"));
        double dropped = values.Count(v => v == 0f) / (double)values.Length;
        Assert.InRange(dropped, 0.24, 0.26); // 102,400 draws: the standard error is 0.0014
        Assert.Equal(1, layer.Passes);
        var second = new float[mask.Length];
        DropoutKernels.Forward(layer, x, y, second, training: true);
        Assert.NotEqual(mask, second);
    }
}
