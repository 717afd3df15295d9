using MathNet.Numerics.LinearAlgebra;
using Mnist.Modeling;

namespace Mnist.Runtime.Tests.Modeling;

public class SparseInputsTests
{
    [Theory]
    [InlineData(784, 7)]
    [InlineData(100, 5)]  // not a multiple of 8: the last inputs are scanned one by one
    [InlineData(3, 4)]
    public void Every_nonzero_is_recorded_in_order_with_its_value(int features, int samples)
    {
        var random = new Random(features + samples);
        float[] specials = [float.NaN, -0f, float.Epsilon, -1e30f];
        var inputs = Matrix<float>.Build.Dense(features, samples, (_, _) => random.NextDouble() switch
        {
            < 0.75 => 0f,
            < 0.8 => specials[random.Next(specials.Length)],
            _ => (float)random.NextDouble(),
        });
        var pattern = new SparseInputs(features, samples);

        pattern.Analyze(inputs);

        Assert.True(pattern.IsSparse);
        for (int j = 0; j < samples; j++)
        {
            // the zeros skipped are exactly those equal to 0 (so −0 too, and NaN is kept)
            var expected = Enumerable.Range(0, features).Where(p => inputs[p, j] != 0f).ToArray();
            Assert.Equal(expected, pattern.Indices(j).ToArray());
            Assert.Equal(expected.Select(p => inputs[p, j]).ToArray(), pattern.Values(j).ToArray());
        }
    }

    [Fact]
    public void A_batch_more_than_half_nonzero_is_dense()
    {
        var pattern = new SparseInputs(16, 4);
        pattern.Analyze(Matrix<float>.Build.Dense(16, 4, (p, _) => p < 12 ? 1f : 0f)); // 75% nonzero
        Assert.False(pattern.IsSparse);
    }
}
