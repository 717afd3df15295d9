using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// Where the nonzero inputs of a batch are, and their values: the form in which a dense first layer
/// reads a batch without multiplying its zeros (80% of MNIST's pixels are exactly 0, and a zero adds
/// nothing to a sum). Per sample, the nonzero features in order with their values; for training,
/// the same nonzeros regrouped feature by feature (what the weight update reads). Buffers are sized
/// once for a capacity of samples; filling a pattern allocates nothing. A pattern is filled by the
/// analysis of a float batch, by recording a batch of byte images, or copied to keep.
/// </summary>
public sealed class SparsePattern
{
    // Per sample j: its nonzeros are Index/Value[ColumnStart[j] .. ColumnStart[j+1]).
    internal readonly int[] ColumnStart;
    internal readonly int[] Index;
    internal readonly float[] Value;
    // Per feature p (when kept by feature): samples and values at RowColumn/RowValue[RowStart[p] .. RowStart[p+1]).
    internal readonly int[]? RowStart, RowColumn;
    internal readonly float[]? RowValue;

    /// <summary>A pattern for batches of up to <paramref name="capacity"/> samples of <paramref name="features"/> inputs; <paramref name="byFeature"/> keeps the feature-by-feature lists a training step's update reads.</summary>
    public SparsePattern(int features, int capacity, bool byFeature = false)
        : this(features, capacity, Entries(features, capacity), byFeature)
    {
    }

    private SparsePattern(int features, int capacity, int entries, bool byFeature)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Features = features;
        ColumnStart = new int[capacity + 1];
        Index = new int[entries];
        Value = new float[entries];
        if (!byFeature) return;
        RowStart = new int[features + 1];
        RowColumn = new int[entries];
        RowValue = new float[entries];
    }

    // Above MaxSparseDensity the dense product is faster: no more entries than that are kept.
    private static int Entries(int features, int capacity) =>
        (int)Math.Min(Array.MaxLength, (long)Math.Ceiling(features * (long)capacity * Tuning.MaxSparseDensity) + 8);

    /// <summary>Inputs per sample.</summary>
    public int Features { get; }

    /// <summary>Most samples a batch may have.</summary>
    public int Capacity => ColumnStart.Length - 1;

    /// <summary>Samples in the batch recorded last.</summary>
    public int Samples { get; internal set; }

    /// <summary>True when the batch recorded last is sparse enough for the sparse kernels (else it is to be multiplied densely).</summary>
    public bool IsSparse { get; internal set; }

    /// <summary>True when the feature-by-feature lists of the batch recorded last are built.</summary>
    internal bool HasRows { get; set; }

    /// <summary>True when this pattern keeps feature-by-feature lists.</summary>
    public bool KeepsRows => RowStart is not null;

    /// <summary>Nonzero entries the buffers can hold (a batch with more is dense).</summary>
    internal int EntryCapacity => Index.Length;

    /// <summary>Features recorded densely (see <see cref="DenseFeatures"/>), or null: all are listed.</summary>
    public DenseFeatures? Dense { get; private set; }

    /// <summary>
    /// From the next analysis on, records <paramref name="features"/> (ascending) densely for a first layer of
    /// <paramref name="outputs"/> units; null or empty lists every feature again. Such a pattern serves
    /// forward products only, of batches of exactly its capacity.
    /// </summary>
    public void RecordDensely(int[]? features, int outputs)
    {
        if (features is null || features.Length == 0)
        {
            Dense = null;
            return;
        }
        for (int k = 0; k < features.Length; k++)
            if (features[k] < 0 || features[k] >= Features || (k > 0 && features[k] <= features[k - 1]))
                throw new ArgumentException($"dense features must be ascending and below {Features}", nameof(features));
        if (Dense is null || !Dense.Matches(features, outputs, Capacity)) Dense = new DenseFeatures(features, Features, outputs, Capacity);
    }

    /// <summary>
    /// Records the nonzeros of <paramref name="inputs"/> (features × batch), or marks the batch dense once
    /// they exceed the capacity; with <paramref name="enabled"/> false, marks it dense at once. Large
    /// batches are analysed on several threads.
    /// </summary>
    public void Analyze(Matrix<float> inputs, bool enabled = true) => Kernels.SparseAnalysis.Analyze(this, inputs, 0, inputs.ColumnCount, enabled);

    /// <summary>Like <see cref="Analyze(Matrix{float}, bool)"/>, for the <paramref name="columns"/> samples of <paramref name="inputs"/> from <paramref name="first"/> on, recorded as samples 0, 1, ...</summary>
    public void Analyze(Matrix<float> inputs, int first, int columns, bool enabled = true) => Kernels.SparseAnalysis.Analyze(this, inputs, first, columns, enabled);

    /// <summary>Feature indices of the nonzeros of sample <paramref name="sample"/>.</summary>
    public ReadOnlySpan<int> Indices(int sample) => Index.AsSpan(ColumnStart[sample], ColumnStart[sample + 1] - ColumnStart[sample]);

    /// <summary>Values of the nonzeros of sample <paramref name="sample"/>.</summary>
    public ReadOnlySpan<float> Values(int sample) => Value.AsSpan(ColumnStart[sample], ColumnStart[sample + 1] - ColumnStart[sample]);

    /// <summary>Nonzeros recorded for feature <paramref name="feature"/>: the samples, in order, and the values.</summary>
    public (ReadOnlyMemory<int> Samples, ReadOnlyMemory<float> Values) ByFeature(int feature)
    {
        EnsureRows();
        int start = RowStart![feature], count = RowStart[feature + 1] - start;
        return (RowColumn.AsMemory(start, count), RowValue.AsMemory(start, count));
    }

    /// <summary>Builds the feature-by-feature lists from the per-sample ones if they are not built yet.</summary>
    internal void EnsureRows()
    {
        if (HasRows) return;
        if (RowStart is null) throw new InvalidOperationException("this pattern keeps no feature-by-feature lists (create it with byFeature: true)");
        if (Dense is not null) throw new InvalidOperationException("a pattern with dense features serves forward products only");
        Kernels.FeatureRows.Build(this);
    }

    /// <summary>A copy of the sparse batch recorded last, in arrays of exactly its size (an evaluation chunk, kept for every evaluation).</summary>
    public SparsePattern Trimmed()
    {
        if (!IsSparse) throw new InvalidOperationException("only a sparse batch can be kept");
        if (Dense is not null) throw new InvalidOperationException("a pattern with dense features cannot be kept");
        int count = ColumnStart[Samples];
        var copy = new SparsePattern(Features, Samples, count + 8, byFeature: false) { IsSparse = true, Samples = Samples };
        ColumnStart.AsSpan(0, Samples + 1).CopyTo(copy.ColumnStart);
        Index.AsSpan(0, count).CopyTo(copy.Index);
        Value.AsSpan(0, count).CopyTo(copy.Value);
        return copy;
    }
}
