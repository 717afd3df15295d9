using Mnist.Runtime.Tests.Modeling;
using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using Mnist.Training;

namespace Mnist.Runtime.Tests.Training;

public class BatchLoaderTests
{
    [Fact]
    public void Every_byte_level_is_the_float_Scale_writes()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var floats = new float[256];
        BatchLoader.Scale(bytes, floats);
        Assert.Equal(floats, BatchLoader.Levels);
        Assert.Equal(0f, BatchLoader.Levels[0]);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(45, 64)] // two words of samples, the second partial, in a pattern made for more
    public void Sparse_loading_from_bytes_records_what_analysing_the_loaded_floats_records(int batch, int capacity)
    {
        var split = LearnableData.Split(50, 7, sparse: true);
        int[] indices = Enumerable.Range(0, batch).Select(j => j * 37 % 50).ToArray();
        indices[1] = indices[2]; // the same image twice
        var inputs = Matrix<float>.Build.Dense(784, indices.Length);
        var labels = new int[indices.Length];
        BatchLoader.Load(split, indices, inputs, labels);
        var fromFloats = new SparsePattern(784, indices.Length, byFeature: true);
        fromFloats.Analyze(inputs);

        var fromBytes = new SparsePattern(784, capacity, byFeature: true);
        var sparseLabels = new int[indices.Length];
        // a batch recorded before leaves nothing behind (the prefetcher reuses its patterns)
        Assert.True(BatchLoader.TryLoadSparse(split, Enumerable.Range(0, batch).Select(j => (j * 11 + 3) % 50).ToArray(), fromBytes, sparseLabels));
        Assert.True(BatchLoader.TryLoadSparse(split, indices, fromBytes, sparseLabels));

        Assert.True(fromFloats.IsSparse);
        Assert.True(fromBytes.IsSparse);
        Assert.Equal(labels, sparseLabels);
        Assert.Equal(indices.Length, fromBytes.Samples);
        for (int j = 0; j < indices.Length; j++)
        {
            Assert.NotEmpty(fromBytes.Indices(j).ToArray());
            Assert.Equal(fromFloats.Indices(j).ToArray(), fromBytes.Indices(j).ToArray());
            Assert.Equal(fromFloats.Values(j).ToArray(), fromBytes.Values(j).ToArray());
        }
        // the rows in feature order: counted from the float analysis, counted while recording from the bytes
        var sorted = fromFloats.Rows();
        var direct = fromBytes.Rows();
        int total = sorted.RowStart[^1];
        Assert.Equal(sorted.RowStart, direct.RowStart);
        Assert.Equal(sorted.Column.AsSpan(0, total).ToArray(), direct.Column.AsSpan(0, total).ToArray());
        Assert.Equal(sorted.Value.AsSpan(0, total).ToArray(), direct.Value.AsSpan(0, total).ToArray());
    }

    [Fact]
    public void A_pattern_without_feature_lists_records_the_same_samples_from_bytes()
    {
        var split = LearnableData.Split(20, 3, sparse: true);
        int[] indices = [4, 0, 17, 9];
        var withRows = new SparsePattern(784, indices.Length, byFeature: true);
        var withoutRows = new SparsePattern(784, indices.Length);
        Assert.True(BatchLoader.TryLoadSparse(split, indices, withRows, new int[indices.Length]));
        Assert.True(BatchLoader.TryLoadSparse(split, indices, withoutRows, new int[indices.Length]));
        Assert.True(withoutRows.IsSparse);
        Assert.False(withoutRows.KeepsRows);
        for (int j = 0; j < indices.Length; j++)
        {
            Assert.NotEmpty(withoutRows.Indices(j).ToArray());
            Assert.Equal(withRows.Indices(j).ToArray(), withoutRows.Indices(j).ToArray());
            Assert.Equal(withRows.Values(j).ToArray(), withoutRows.Values(j).ToArray());
        }
    }

    [Fact]
    public void A_batch_too_dense_for_the_sparse_kernels_is_refused_so_it_is_loaded_as_floats()
    {
        var split = LearnableData.Split(10, 7, sparse: false); // noise on every pixel: ~97% nonzero
        var pattern = new SparsePattern(784, 4, byFeature: true);
        Assert.False(BatchLoader.TryLoadSparse(split, [0, 1, 2, 3], pattern, new int[4]));
        Assert.False(pattern.IsSparse);
    }

    [Fact]
    public void More_images_than_the_pattern_or_the_labels_hold_are_refused_with_the_sizes()
    {
        var split = LearnableData.Split(10, 7, sparse: true);

        var full = Assert.Throws<InvalidOperationException>(() => BatchLoader.TryLoadSparse(split, [0, 1, 2], new SparsePattern(784, 2, byFeature: true), new int[3]));
        Assert.Equal("this pattern holds batches of at most 2 samples", full.Message);
        var labels = Assert.Throws<ArgumentException>(() => BatchLoader.TryLoadSparse(split, [0, 1, 2], new SparsePattern(784, 3, byFeature: true), new int[2]));
        Assert.StartsWith("2 labels for 3 images", labels.Message);
    }
}
