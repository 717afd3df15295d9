namespace Mnist.LinearAlgebra;

/// <summary>
/// A backend that computes a product one range of C's columns at a time. This base holds what the
/// native and SIMD backends share: the call count, <c>k = 0</c> and <c>alpha = 0</c> (C = beta·C),
/// and the threading rule — small products on the calling thread, large ones split by
/// <see cref="ColumnSplit"/>.
/// </summary>
public abstract class ColumnRangeGemmBackend(int threads) : IGemmBackend
{
    private long _calls;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public int Threads { get; } = Math.Max(1, threads);

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Column ranges handed to threads are multiples of this.</summary>
    protected virtual int Granularity => 16;

    /// <inheritdoc />
    public void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        Interlocked.Increment(ref _calls);
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        if ((long)m * n * k < ColumnSplit.ParallelThreshold || Threads == 1)
        {
            Columns(0, n, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        SplitColumns(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Columns [first, last) of C = alpha · op(A) · op(B) + beta · C, on the calling thread.</summary>
    protected abstract void Columns(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc);

    // Its own method: a lambda capturing Sgemm's parameters would allocate its closure on every
    // call of Sgemm, parallel or not.
    private void SplitColumns(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) =>
        ColumnSplit.Split(n, Threads, Granularity,
            (first, last) => Columns(first, last, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc));

    private static void ScaleC(int m, int n, float beta, float[] c, int ldc)
    {
        for (int j = 0; j < n; j++)
        {
            var column = c.AsSpan(j * ldc, m);
            if (beta == 0f) column.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(column, beta, column);
        }
    }
}
