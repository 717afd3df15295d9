using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>
/// A dense layer's product: one sample's is computed by <see cref="DenseKernels.Multiply"/> itself (vectors of rows, the
/// last overlapping the one before), a batch's by the BLAS backend; both against a naive double-precision loop, at every
/// vector width CI runs.
/// </summary>
public class DenseMultiplyTests
{
    [Theory]
    [InlineData(10, 1600, 1)] // the convnet's fc, one image
    [InlineData(10, 128, 1)]  // the MLP's output layer
    [InlineData(128, 784, 1)]
    [InlineData(1, 5, 1)]     // fewer rows than any vector: the BLAS
    [InlineData(3, 7, 1)]
    [InlineData(4, 1, 1)]
    [InlineData(7, 2, 1)]
    [InlineData(8, 3, 1)]
    [InlineData(9, 33, 1)]    // one full vector and one overlapping it by seven rows (AVX2)
    [InlineData(17, 31, 1)]   // an odd number of vectors
    [InlineData(33, 64, 1)]
    [InlineData(10, 1600, 2)] // a batch: the BLAS
    [InlineData(10, 128, 32)]
    public void The_product_is_the_naive_one(int rows, int depth, int columns)
    {
        var random = new Random(rows * 31 + depth);
        var w = Matrix<float>.Build.Dense(rows, depth, (_, _) => (float)(random.NextDouble() * 2 - 1));
        var x = Matrix<float>.Build.Dense(depth, columns, (_, _) => (float)random.NextDouble());
        var y = Matrix<float>.Build.Dense(rows, columns, float.NaN);
        DenseKernels.Multiply(w, x, y);
        for (int j = 0; j < columns; j++)
            for (int i = 0; i < rows; i++)
            {
                double expected = 0, magnitude = 0;
                for (int p = 0; p < depth; p++)
                {
                    expected += (double)w[i, p] * x[p, j];
                    magnitude += Math.Abs((double)w[i, p] * x[p, j]);
                }
                Assert.True(Math.Abs(y[i, j] - expected) <= 1e-6 * magnitude + 1e-7, $"y[{i},{j}] = {y[i, j]}, expected {expected}");
            }
    }

    [Fact]
    public void A_product_that_does_not_fit_is_refused()
    {
        var w = Matrix<float>.Build.Dense(10, 20);
        Assert.Throws<ArgumentException>(() => DenseKernels.Multiply(w, Matrix<float>.Build.Dense(21, 1), Matrix<float>.Build.Dense(10, 1)));
        Assert.Throws<ArgumentException>(() => DenseKernels.Multiply(w, Matrix<float>.Build.Dense(20, 1), Matrix<float>.Build.Dense(9, 1)));
    }
}
