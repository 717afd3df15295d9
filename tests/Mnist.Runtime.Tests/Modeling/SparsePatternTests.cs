using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.Modeling;

public class SparsePatternTests
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
        var pattern = new SparsePattern(features, samples, byFeature: true);

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
        var pattern = new SparsePattern(16, 4, byFeature: true);
        pattern.Analyze(Matrix<float>.Build.Dense(16, 4, (p, _) => p < 12 ? 1f : 0f)); // 75% nonzero
        Assert.False(pattern.IsSparse);
    }

    [Fact]
    public void Analysing_a_range_of_columns_records_them_as_columns_0_1_and_so_on()
    {
        var random = new Random(3);
        var inputs = Matrix<float>.Build.Dense(40, 9, (_, _) => random.NextDouble() < 0.3 ? (float)random.NextDouble() : 0f);
        var pattern = new SparsePattern(40, 4, byFeature: true);

        pattern.Analyze(inputs, 5, 4);

        Assert.Equal(4, pattern.Samples);
        for (int j = 0; j < 4; j++)
            Assert.Equal(Enumerable.Range(0, 40).Where(p => inputs[p, 5 + j] != 0f), pattern.Indices(j).ToArray());
    }

    [Theory]
    [InlineData(6, 4, 40, "columns 6..10 of 9, for a pattern of at most 4")]
    [InlineData(0, 5, 40, "columns 0..5 of 9, for a pattern of at most 4")]
    [InlineData(0, 4, 30, "30 inputs for a pattern of 40")]
    public void A_range_outside_the_inputs_or_the_pattern_is_refused_naming_the_sizes(int first, int columns, int features, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new SparsePattern(40, 4, byFeature: true).Analyze(Matrix<float>.Build.Dense(features, 9), first, columns));
        Assert.StartsWith(message, e.Message);
    }
}
