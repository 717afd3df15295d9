using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Mnist.Modeling;

/// <summary>
/// The first layer's two products, which read the raw inputs X: the forward <c>Z = W·X</c> and the
/// weight gradient or update <c>T = beta·T + alpha·δ·Xᵀ</c>. When X is sparse (see
/// <see cref="SparseInputs"/>) they touch only the columns of W that a nonzero input selects, with
/// 64-row register blocks; otherwise they are the dense products of the installed BLAS backend.
/// Either way the result is the same sum, only without the terms that are exactly zero. A pattern
/// with <see cref="DenseFeatures"/> (large inference batches) has those features' terms computed as
/// one BLAS product first and the listed nonzeros added to it: the same terms in another order.
/// </summary>
public static unsafe class InputProducts
{
    private const int Block = 64;

    /// <summary>Z = W · X (beta 0).</summary>
    public static void Multiply(Matrix<float> weight, Matrix<float> inputs, SparseInputs pattern, Matrix<float> output)
    {
        if (!pattern.IsSparse)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, weight, inputs, 0f, output);
            return;
        }
        // densely recorded features first, as one BLAS product; the listed nonzeros are then added to it
        var dense = pattern.Dense;
        if (dense is not null) Gemm.Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, dense.Weights(weight), dense.Values, 0f, output);
        bool accumulate = dense is not null;
        int threads = Gemm.Threads;
        if (threads > 1 && pattern.Columns >= ParallelColumns)
        {
            MultiplyInParallel(weight, pattern, output, threads, accumulate);
            return;
        }
        MultiplyColumns(weight, pattern, output, 0, pattern.Columns, accumulate);
    }

    /// <summary>Samples per product from which the forward pass splits its columns over threads (evaluation, not a training step).</summary>
    public const int ParallelColumns = 256;

    // Its own method, so that the closure is allocated only when the work is split.
    private static void MultiplyInParallel(Matrix<float> weight, SparseInputs pattern, Matrix<float> output, int threads, bool accumulate) =>
        LinearAlgebra.ColumnSplit.Split(pattern.Columns, threads, 16,
            (first, last) => MultiplyColumns(weight, pattern, output, first, last, accumulate));

    // Z[:, j] = (accumulate ? Z[:, j] : 0) + the listed nonzeros' terms, for columns [first, last).
    private static void MultiplyColumns(Matrix<float> weight, SparseInputs pattern, Matrix<float> output, int firstColumn, int lastColumn, bool accumulate)
    {
        int rows = weight.RowCount;
        fixed (float* w = Gemm.Values(weight), z = Gemm.Values(output))
        {
            for (int j = firstColumn; j < lastColumn; j++)
            {
                var indices = pattern.Indices(j);
                var values = pattern.Values(j);
                fixed (int* index = indices)
                fixed (float* value = values)
                {
                    float* column = z + (long)j * rows;
                    int r = 0;
                    for (; r + Block <= rows; r += Block) Column64(w + r, rows, index, value, indices.Length, column + r, accumulate);
                    for (; r < rows; r++)
                    {
                        float sum = accumulate ? column[r] : 0f;
                        for (int e = 0; e < indices.Length; e++) sum += w[r + (long)index[e] * rows] * value[e];
                        column[r] = sum;
                    }
                }
            }
        }
    }

    /// <summary>target = beta · target + alpha · δ · Xᵀ; with beta 1 and alpha −lr this is the SGD update of W.</summary>
    public static void MultiplyTransposed(float alpha, Matrix<float> delta, Matrix<float> inputs, SparseInputs pattern, float beta, Matrix<float> target)
    {
        if (!pattern.IsSparse)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.Transpose, alpha, delta, inputs, beta, target);
            return;
        }
        var (rowStart, rowColumn, rowValue) = pattern.Rows(); // refuses a pattern with dense features
        int rows = target.RowCount;
        int features = target.ColumnCount;
        fixed (float* t = Gemm.Values(target), d = Gemm.Values(delta))
        fixed (int* column = rowColumn)
        fixed (float* value = rowValue)
        {
            for (int p = 0; p < features; p++)
            {
                float* targetColumn = t + (long)p * rows;
                int first = rowStart[p], count = rowStart[p + 1] - first;
                if (count == 0)
                {
                    if (beta == 0f) new Span<float>(targetColumn, rows).Clear();
                    else if (beta != 1f) for (int r = 0; r < rows; r++) targetColumn[r] *= beta;
                    continue;
                }
                int r0 = 0;
                for (; r0 + Block <= rows; r0 += Block)
                    Update64(d + r0, rows, column + first, value + first, count, alpha, beta, targetColumn + r0);
                for (; r0 < rows; r0++)
                {
                    float sum = 0f;
                    for (int e = 0; e < count; e++) sum += d[r0 + (long)column[first + e] * rows] * value[first + e];
                    targetColumn[r0] = (beta == 0f ? 0f : beta * targetColumn[r0]) + alpha * sum;
                }
            }
        }
    }

    /// <summary>64 rows of Z[:, j] = (accumulate ? Z[:, j] : 0) + Σ_e W[:, index[e]] · value[e], accumulated in eight registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Column64(float* w, int ldw, int* index, float* value, int count, float* z, bool accumulate)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        if (accumulate)
        {
            a0 = Vector256.Load(z); a1 = Vector256.Load(z + 8); a2 = Vector256.Load(z + 16); a3 = Vector256.Load(z + 24);
            a4 = Vector256.Load(z + 32); a5 = Vector256.Load(z + 40); a6 = Vector256.Load(z + 48); a7 = Vector256.Load(z + 56);
        }
        for (int e = 0; e < count; e++)
        {
            float* column = w + (long)index[e] * ldw;
            var x = Vector256.Create(value[e]);
            a0 = Fma256.MultiplyAdd(Vector256.Load(column), x, a0);
            a1 = Fma256.MultiplyAdd(Vector256.Load(column + 8), x, a1);
            a2 = Fma256.MultiplyAdd(Vector256.Load(column + 16), x, a2);
            a3 = Fma256.MultiplyAdd(Vector256.Load(column + 24), x, a3);
            a4 = Fma256.MultiplyAdd(Vector256.Load(column + 32), x, a4);
            a5 = Fma256.MultiplyAdd(Vector256.Load(column + 40), x, a5);
            a6 = Fma256.MultiplyAdd(Vector256.Load(column + 48), x, a6);
            a7 = Fma256.MultiplyAdd(Vector256.Load(column + 56), x, a7);
        }
        Vector256.Store(a0, z); Vector256.Store(a1, z + 8); Vector256.Store(a2, z + 16); Vector256.Store(a3, z + 24);
        Vector256.Store(a4, z + 32); Vector256.Store(a5, z + 40); Vector256.Store(a6, z + 48); Vector256.Store(a7, z + 56);
    }

    /// <summary>64 rows of T[:, p] = beta · T[:, p] + alpha · Σ_e δ[:, column[e]] · value[e].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update64(float* delta, int ldd, int* column, float* value, int count, float alpha, float beta, float* target)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int e = 0; e < count; e++)
        {
            float* d = delta + (long)column[e] * ldd;
            var x = Vector256.Create(value[e]);
            a0 = Fma256.MultiplyAdd(Vector256.Load(d), x, a0);
            a1 = Fma256.MultiplyAdd(Vector256.Load(d + 8), x, a1);
            a2 = Fma256.MultiplyAdd(Vector256.Load(d + 16), x, a2);
            a3 = Fma256.MultiplyAdd(Vector256.Load(d + 24), x, a3);
            a4 = Fma256.MultiplyAdd(Vector256.Load(d + 32), x, a4);
            a5 = Fma256.MultiplyAdd(Vector256.Load(d + 40), x, a5);
            a6 = Fma256.MultiplyAdd(Vector256.Load(d + 48), x, a6);
            a7 = Fma256.MultiplyAdd(Vector256.Load(d + 56), x, a7);
        }
        var scale = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(a0 * scale, target); Vector256.Store(a1 * scale, target + 8);
            Vector256.Store(a2 * scale, target + 16); Vector256.Store(a3 * scale, target + 24);
            Vector256.Store(a4 * scale, target + 32); Vector256.Store(a5 * scale, target + 40);
            Vector256.Store(a6 * scale, target + 48); Vector256.Store(a7 * scale, target + 56);
            return;
        }
        var b = Vector256.Create(beta);
        Vector256.Store(Fma256.MultiplyAdd(a0, scale, Vector256.Load(target) * b), target);
        Vector256.Store(Fma256.MultiplyAdd(a1, scale, Vector256.Load(target + 8) * b), target + 8);
        Vector256.Store(Fma256.MultiplyAdd(a2, scale, Vector256.Load(target + 16) * b), target + 16);
        Vector256.Store(Fma256.MultiplyAdd(a3, scale, Vector256.Load(target + 24) * b), target + 24);
        Vector256.Store(Fma256.MultiplyAdd(a4, scale, Vector256.Load(target + 32) * b), target + 32);
        Vector256.Store(Fma256.MultiplyAdd(a5, scale, Vector256.Load(target + 40) * b), target + 40);
        Vector256.Store(Fma256.MultiplyAdd(a6, scale, Vector256.Load(target + 48) * b), target + 48);
        Vector256.Store(Fma256.MultiplyAdd(a7, scale, Vector256.Load(target + 56) * b), target + 56);
    }
}
