using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Features that a <see cref="SparsePattern"/> records densely: every value of these features, zeros
/// included, in a features × batch matrix, while its lists hold only the other features' nonzeros.
/// In a large batch of MNIST the pixels near the centre are nonzero in 30% of the images or
/// more; one dense BLAS product over them costs less than a sparse term for each nonzero (each
/// of which loads 128 weights from L2), and the first layer adds the other features' nonzeros to it
/// sparsely. The sums are the same terms added in another order (so the last bits may differ).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class DenseFeatures
{
    private readonly int[] _features;
    private readonly Matrix<float> _weights;

    internal DenseFeatures(int[] features, int inputs, int outputs, int batch)
    {
        _features = features;
        Values = Matrix<float>.Build.Dense(features.Length, batch);
        _weights = Matrix<float>.Build.Dense(outputs, features.Length);
        Listed = Enumerable.Repeat(uint.MaxValue, (inputs + 31) / 32).ToArray();
        foreach (int feature in features) Listed[feature >> 5] &= ~(1u << (feature & 31));
    }

    /// <summary>The features, ascending; row k of <see cref="Values"/> is feature <c>Features[k]</c>.</summary>
    public ReadOnlySpan<int> Features => _features;

    /// <summary>Every value of the features in the last analysed batch, one column per sample.</summary>
    public Matrix<float> Values { get; }

    /// <summary>Per group of 32 features, the bits of those the pattern's lists hold (the others).</summary>
    internal uint[] Listed { get; }

    /// <summary>Whether these are <paramref name="features"/> for this shape.</summary>
    internal bool Matches(ReadOnlySpan<int> features, int outputs, int batch) =>
        features.SequenceEqual(_features) && _weights.RowCount == outputs && Values.ColumnCount == batch;

    /// <summary>Copies column <paramref name="column"/>'s values of the features (from a features-long column at <paramref name="start"/>).</summary>
    internal unsafe void Gather(float* start, int column)
    {
        var values = Kernels.Gemm.Values(Values);
        fixed (float* destination = &values[(long)column * _features.Length])
        fixed (int* feature = _features)
        {
            for (int k = 0; k < _features.Length; k++) destination[k] = start[feature[k]];
        }
    }

    /// <summary>The columns of <paramref name="weight"/> (outputs × inputs) that multiply the features, copied side by side.</summary>
    internal Matrix<float> Weights(Matrix<float> weight)
    {
        var from = Kernels.Gemm.Values(weight);
        var to = Kernels.Gemm.Values(_weights);
        int rows = weight.RowCount;
        for (int k = 0; k < _features.Length; k++) Array.Copy(from, (long)_features[k] * rows, to, (long)k * rows, rows);
        return _weights;
    }

    /// <summary>
    /// The features nonzero in at least <paramref name="fraction"/> of up to <paramref name="sample"/>
    /// columns of <paramref name="inputs"/> spread over the batch, ascending.
    /// </summary>
    public static int[] Frequent(Matrix<float> inputs, double fraction, int sample = Tuning.DenseFeatureSample)
    {
        var values = Kernels.Gemm.Values(inputs);
        int features = inputs.RowCount, columns = inputs.ColumnCount, taken = Math.Min(sample, columns);
        var nonzero = new int[features];
        for (int s = 0; s < taken; s++)
        {
            long start = (long)(s * (long)columns / taken) * features;
            for (int p = 0; p < features; p++) if (values[start + p] != 0f) nonzero[p]++;
        }
        return Enumerable.Range(0, features).Where(p => nonzero[p] >= fraction * taken && taken > 0).ToArray();
    }
}
