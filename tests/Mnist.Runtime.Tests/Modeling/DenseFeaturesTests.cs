using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Modeling;

public class DenseFeaturesTests
{
    private static Matrix<float> Inputs(int features, int columns, int seed)
    {
        var random = new Random(seed);
        // the first third of the features nonzero half the time, the rest a tenth of the time
        return Matrix<float>.Build.Dense(features, columns, (p, _) => random.NextDouble() < (p < features / 3 ? 0.5 : 0.1) ? (float)random.NextDouble() : 0f);
    }

    [Fact]
    public void Dense_features_are_kept_whole_and_left_out_of_the_lists()
    {
        var inputs = Inputs(70, 12, 1);
        int[] dense = [0, 3, 4, 33, 69];
        var pattern = new SparsePattern(70, 12, byFeature: true);
        pattern.RecordDensely(dense, outputs: 64);

        pattern.Analyze(inputs);

        Assert.True(pattern.IsSparse);
        for (int j = 0; j < 12; j++)
        {
            Assert.Equal(dense.Select(p => inputs[p, j]), Enumerable.Range(0, dense.Length).Select(k => pattern.Dense!.Values[k, j]));
            Assert.Equal(Enumerable.Range(0, 70).Where(p => inputs[p, j] != 0f && !dense.Contains(p)), pattern.Indices(j).ToArray());
        }
    }

    [Fact]
    public void The_first_layer_product_with_dense_features_adds_the_same_terms()
    {
        var inputs = Inputs(100, 40, 2);
        var weight = Matrix<float>.Build.Dense(70, 100, (r, p) => MathF.Sin(r * 7 + p)); // 64 rows in registers and 6 more
        var plain = new SparsePattern(100, 40, byFeature: true);
        plain.Analyze(inputs);
        var expected = Matrix<float>.Build.Dense(70, 40);
        SparseProducts.Multiply(weight, new Batch(inputs, plain), expected);

        var split = new SparsePattern(100, 40, byFeature: true);
        split.RecordDensely(DenseFeatures.Frequent(inputs, 0.35), outputs: 70);
        split.Analyze(inputs);
        var actual = Matrix<float>.Build.Dense(70, 40);
        SparseProducts.Multiply(weight, new Batch(inputs, split), actual);

        Assert.InRange(split.Dense!.Features.Length, 20, 40);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                Assert.Equal(expected[i, j], actual[i, j], 1e-5f);
    }

    [Fact]
    public void Frequent_features_are_those_nonzero_in_the_fraction_of_the_sampled_columns()
    {
        var inputs = Matrix<float>.Build.Dense(5, 8, (p, j) => p == 1 || (p == 3 && j < 4) || (p == 4 && j < 2) ? 1f : 0f);
        Assert.Equal([1, 3], DenseFeatures.Frequent(inputs, 0.5));
        Assert.Equal([1], DenseFeatures.Frequent(inputs, 0.6));
        Assert.Equal([1, 3], DenseFeatures.Frequent(inputs, 0.5, sample: 4)); // columns 0, 2, 4, 6
    }

    [Fact]
    public void A_pattern_with_dense_features_serves_forward_products_of_its_own_size_only()
    {
        var pattern = new SparsePattern(40, 6, byFeature: true);
        Assert.Throws<ArgumentException>(() => pattern.RecordDensely([5, 5], outputs: 8));
        Assert.Throws<ArgumentException>(() => pattern.RecordDensely([40], outputs: 8));
        pattern.RecordDensely([2, 9], outputs: 8);

        var size = Assert.Throws<InvalidOperationException>(() => pattern.Analyze(Inputs(40, 9, 3), 0, 5));
        Assert.Equal("a pattern with dense features analyses batches of exactly 6 samples, not 5", size.Message);
        pattern.Analyze(Inputs(40, 6, 3));
        Assert.Throws<InvalidOperationException>(() => pattern.Rows());
        Assert.Throws<InvalidOperationException>(() => pattern.Trimmed());
        Assert.Throws<InvalidOperationException>(() => BatchLoader.TryLoadSparse(LearnableData.Split(6, 1, sparse: true), [0], new SparsePatternWithDense().Pattern, new int[1]));

        pattern.RecordDensely(null, outputs: 8);
        Assert.Null(pattern.Dense);
    }

    private sealed class SparsePatternWithDense
    {
        public SparsePattern Pattern { get; } = new(784, 1);
        public SparsePatternWithDense() => Pattern.RecordDensely([100], outputs: 4);
    }
}
