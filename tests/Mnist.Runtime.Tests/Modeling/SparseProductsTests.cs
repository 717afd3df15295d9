using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using Mnist.Runtime.Tests.LinearAlgebra;

namespace Mnist.Runtime.Tests.Modeling;

/// <summary>The zero-skipping first-layer products against the double-precision reference product.</summary>
public class SparseProductsTests
{
    [Theory]
    [InlineData(128, 784, 32, 0.2)]
    [InlineData(70, 13, 5, 0.3)]
    [InlineData(10, 9, 3, 0.1)]
    [InlineData(64, 100, 1, 0.0)]
    [InlineData(128, 50, 6, 0.9)]
    public void Forward_equals_the_dense_product(int rows, int features, int batch, double density)
    {
        var random = new Random(rows + features + batch);
        var weight = Matrix<float>.Build.Dense(rows, features, (_, _) => (float)(random.NextDouble() - 0.5));
        var inputs = Sparse(random, features, batch, density);
        var pattern = new SparsePattern(features, batch, byFeature: true);
        pattern.Analyze(inputs);
        var output = Matrix<float>.Build.Dense(rows, batch, float.NaN);

        SparseProducts.Multiply(weight, new Batch(inputs, pattern), output);

        Assert.Equal(density <= Tuning.MaxSparseDensity, pattern.IsSparse);
        var expected = GemmBackendTests.Reference(false, false, rows, batch, features, 1f, weight.ToColumnMajorArray(), rows, inputs.ToColumnMajorArray(), features, 0f, new float[rows * batch]);
        GemmBackendTests.AssertRelativeError(expected, output.ToColumnMajorArray());
    }

    [Theory]
    [InlineData(128, 784, 32, 0.2, -0.1f, 1f)]
    [InlineData(128, 784, 32, 0.2, 1f, 0f)]
    [InlineData(70, 13, 5, 0.3, 0.5f, -2f)]
    [InlineData(10, 9, 3, 0.1, 1f, 0f)]
    [InlineData(64, 100, 2, 0.0, 1f, 0f)]
    public void Transposed_product_equals_the_dense_one(int rows, int features, int batch, double density, float alpha, float beta)
    {
        var random = new Random(rows * 3 + features + batch);
        var delta = Matrix<float>.Build.Dense(rows, batch, (_, _) => (float)(random.NextDouble() - 0.5));
        var inputs = Sparse(random, features, batch, density);
        var target = Matrix<float>.Build.Dense(rows, features, (_, _) => (float)(random.NextDouble() - 0.5));
        var pattern = new SparsePattern(features, batch, byFeature: true);
        pattern.Analyze(inputs);
        var expected = GemmBackendTests.Reference(false, true, rows, features, batch, alpha, delta.ToColumnMajorArray(), rows, inputs.ToColumnMajorArray(), features, beta, target.ToColumnMajorArray());

        SparseProducts.MultiplyTransposed(alpha, delta, new Batch(inputs, pattern), beta, target);

        GemmBackendTests.AssertRelativeError(expected, target.ToColumnMajorArray());
    }

    [Fact]
    public void Analysis_lists_each_samples_nonzeros_in_order_and_regroups_them_by_feature()
    {
        var inputs = Matrix<float>.Build.DenseOfColumnArrays(
            [0f, 0.5f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f],
            [0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.25f]);
        var pattern = new SparsePattern(10, 2, byFeature: true);
        pattern.Analyze(inputs);

        Assert.True(pattern.IsSparse);
        Assert.Equal([1, 9], pattern.Indices(0).ToArray());
        Assert.Equal([0.5f, 1f], pattern.Values(0).ToArray());
        Assert.Equal([9], pattern.Indices(1).ToArray());
        var (start, column, value) = pattern.Rows();
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 3 }, start);
        Assert.Equal([0, 0, 1], column[..3]);
        Assert.Equal([0.5f, 1f, 0.25f], value[..3]);
    }

    [Fact]
    public void Disabled_analysis_marks_the_batch_dense()
    {
        var pattern = new SparsePattern(4, 1, byFeature: true);
        pattern.Analyze(Matrix<float>.Build.Dense(4, 1), enabled: false);
        Assert.False(pattern.IsSparse);
    }

    private static Matrix<float> Sparse(Random random, int rows, int columns, double density) =>
        Matrix<float>.Build.Dense(rows, columns, (_, _) => random.NextDouble() < density ? (float)random.NextDouble() : 0f);
}
