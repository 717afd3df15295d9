using Mnist.Runtime.Tests.Modeling;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Kernels;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>Large batches are analysed and multiplied on several threads; the results must be those of one thread.</summary>
[Collection(ProviderCollection.Name)]
public sealed class ParallelAnalysisTests : RestoresProvider
{
    [Fact]
    public void Two_threads_record_the_same_nonzeros_and_products_as_one()
    {
        var random = new Random(11);
        int columns = Tuning.ParallelSparseColumns + 45;
        var inputs = Matrix<float>.Build.Dense(100, columns, (_, _) => random.NextDouble() < 0.2 ? (float)random.NextDouble() : 0f);
        var weight = Matrix<float>.Build.Dense(64, 100, (_, _) => (float)(random.NextDouble() - 0.5));

        BlasBackends.Install(new SimdGemmBackend(1));
        var serial = new SparsePattern(100, columns, byFeature: true);
        serial.Analyze(inputs);
        var serialOutput = Matrix<float>.Build.Dense(64, columns);
        SparseProducts.Multiply(weight, new Batch(inputs, serial), serialOutput);

        BlasBackends.Install(new SimdGemmBackend(2));
        var parallel = new SparsePattern(100, columns, byFeature: true);
        parallel.Analyze(inputs);
        var parallelOutput = Matrix<float>.Build.Dense(64, columns);
        SparseProducts.Multiply(weight, new Batch(inputs, parallel), parallelOutput);

        Assert.True(parallel.IsSparse);
        for (int j = 0; j < columns; j++)
        {
            Assert.Equal(serial.Indices(j).ToArray(), parallel.Indices(j).ToArray());
            Assert.Equal(serial.Values(j).ToArray(), parallel.Values(j).ToArray());
        }
        Assert.Equal(serialOutput.ToColumnMajorArray(), parallelOutput.ToColumnMajorArray());
        var (serialStart, serialColumn, serialValue) = serial.Rows();
        var (parallelStart, parallelColumn, parallelValue) = parallel.Rows();
        Assert.Equal(serialStart, parallelStart);
        int total = serialStart[^1];
        Assert.Equal(serialColumn.AsSpan(0, total).ToArray(), parallelColumn.AsSpan(0, total).ToArray());
        Assert.Equal(serialValue.AsSpan(0, total).ToArray(), parallelValue.AsSpan(0, total).ToArray());
        var kept = parallel.Trimmed();
        for (int j = 0; j < columns; j++) Assert.Equal(serial.Indices(j).ToArray(), kept.Indices(j).ToArray());
    }

    [Fact]
    public void A_dense_part_of_a_large_batch_makes_it_dense()
    {
        BlasBackends.Install(new SimdGemmBackend(2));
        int columns = Tuning.ParallelSparseColumns * 2;
        // the first half blank, the second all ones: 50% overall, but one thread's share is full
        var inputs = Matrix<float>.Build.Dense(20, columns, (_, j) => j < columns / 2 ? 0f : 1f);
        var pattern = new SparsePattern(20, columns, byFeature: true);
        pattern.Analyze(inputs);
        Assert.False(pattern.IsSparse);
    }

    [Fact]
    public void A_dense_large_batch_is_marked_dense()
    {
        BlasBackends.Install(new SimdGemmBackend(2));
        var pattern = new SparsePattern(20, Tuning.ParallelSparseColumns, byFeature: true);
        pattern.Analyze(Matrix<float>.Build.Dense(20, Tuning.ParallelSparseColumns, 1f));
        Assert.False(pattern.IsSparse);
    }
}
