using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// A batch a network computes on, one sample per column: a dense matrix (features × samples; a
/// <see cref="Matrix{T}"/> converts implicitly), or the <see cref="SparsePattern"/> of a batch whose
/// zeros a dense first layer skips — then no float matrix of the batch is needed at all.
/// </summary>
public readonly struct Batch
{
    internal Batch(Matrix<float>? dense, SparsePattern? pattern)
    {
        Dense = dense;
        Pattern = pattern;
    }

    /// <summary>The batch as a features × samples matrix; null when it is given by its pattern alone.</summary>
    public Matrix<float>? Dense { get; }

    /// <summary>Where the batch's nonzero inputs are, when known and sparse; null for a dense batch not analysed yet.</summary>
    public SparsePattern? Pattern { get; }

    /// <summary>Samples in the batch.</summary>
    public int Samples => Dense?.ColumnCount ?? Pattern?.Samples ?? 0;

    /// <summary>Inputs per sample.</summary>
    public int Features => Dense?.RowCount ?? Pattern?.Features ?? 0;

    /// <summary>A dense batch.</summary>
    public static Batch FromMatrix(Matrix<float> inputs) => new(inputs ?? throw new ArgumentNullException(nameof(inputs)), null);

    /// <summary>A batch given by its sparse pattern alone (a network whose first layer is dense reads it without a float matrix).</summary>
    public static Batch FromPattern(SparsePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!pattern.IsSparse) throw new ArgumentException("the pattern holds a dense batch: pass the batch's matrix instead", nameof(pattern));
        return new(null, pattern);
    }

    /// <summary>A dense batch.</summary>
    public static implicit operator Batch(Matrix<float> inputs) => FromMatrix(inputs);
}
