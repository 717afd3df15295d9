using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// The first layer's two products, which read the raw inputs X: the forward <c>Z = W·X</c> and the
/// weight gradient or update <c>T = beta·T + alpha·δ·Xᵀ</c>. When X is sparse (see
/// <see cref="SparsePattern"/>) they touch only the columns of W that a nonzero input selects, with
/// register blocks at the processor's vector width; otherwise they are the dense products of the installed BLAS backend.
/// Either way the result is the same sum, only without the terms that are exactly zero. A pattern
/// with <see cref="DenseFeatures"/> (large inference batches) has those features' terms computed as
/// one BLAS product first and the listed nonzeros added to it: the same terms in another order.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class SparseProducts
{
    /// <summary>Z = W · X (beta 0), X the batch: its sparse pattern when it has one, else its matrix.</summary>
    public static void Multiply(Matrix<float> weight, Batch input, Matrix<float> output)
    {
        if (input.Pattern is not { IsSparse: true } pattern)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, weight, input.Dense!, 0f, output);
            return;
        }
        // densely recorded features first, as one BLAS product; the listed nonzeros are then added to it
        var dense = pattern.Dense;
        if (dense is not null) Gemm.Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, dense.Weights(weight), dense.Values, 0f, output);
        bool accumulate = dense is not null;
        int threads = Gemm.Threads;
        if (threads > 1 && pattern.Samples >= Tuning.ParallelSparseColumns)
        {
            MultiplyInParallel(weight, pattern, output, threads, accumulate);
            return;
        }
        MultiplyColumns(weight, pattern, output, 0, pattern.Samples, accumulate);
    }

    // Its own method, so that the closure is allocated only when the work is split.
    private static void MultiplyInParallel(Matrix<float> weight, SparsePattern pattern, Matrix<float> output, int threads, bool accumulate) =>
        LinearAlgebra.ColumnSplit.Split(pattern.Samples, threads, 16,
            (first, last) => MultiplyColumns(weight, pattern, output, first, last, accumulate));

    // Z[:, j] = (accumulate ? Z[:, j] : 0) + the listed nonzeros' terms, for columns [first, last).
    private static void MultiplyColumns(Matrix<float> weight, SparsePattern pattern, Matrix<float> output, int firstColumn, int lastColumn, bool accumulate)
    {
        var kernel = new GatherColumns(weight, pattern, output, firstColumn, lastColumn, accumulate);
        SimdWidth.Run(ref kernel);
    }

    private readonly struct GatherColumns(Matrix<float> weight, SparsePattern pattern, Matrix<float> output, int firstColumn, int lastColumn, bool accumulate) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
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
                        SparseKernels.Gather<TV>(w, rows, rows, index, value, indices.Length, z + (long)j * rows, accumulate);
                }
            }
        }
    }

    /// <summary>target = beta · target + alpha · δ · Xᵀ; with beta 1 and alpha −lr this is the SGD update of W.</summary>
    public static void MultiplyTransposed(float alpha, Matrix<float> delta, Batch input, float beta, Matrix<float> target)
    {
        if (input.Pattern is not { IsSparse: true } pattern)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.Transpose, alpha, delta, input.Dense!, beta, target);
            return;
        }
        var kernel = new ScatterRows(alpha, delta, pattern, beta, target);
        SimdWidth.Run(ref kernel);
    }

    /// <summary>
    /// Hands the weight gradient <c>δ · Xᵀ</c> of <paramref name="weight"/> (parameter number <paramref name="parameter"/>) to
    /// <paramref name="update"/>. For a sparse batch, this library's optimizers (<see cref="ISparseUpdate"/>) update each weight
    /// column from the registers that sum its gradient, which is never stored; another update gets the gradient a block of
    /// features at a time in the first columns of <paramref name="scratch"/> (the layer's gradient buffer), which stay in the
    /// cache while it reads them. A dense batch's gradient is one product into <paramref name="scratch"/>.
    /// </summary>
    public static void UpdateTransposed(Matrix<float> delta, Batch input, Matrix<float> scratch, Matrix<float> weight, IParameterUpdate update, int parameter)
    {
        if (input.Pattern is not { IsSparse: true } pattern)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.Transpose, 1f, delta, input.Dense!, 0f, scratch);
            update.Update(parameter, 0, Gemm.Values(weight), Gemm.Values(scratch));
            return;
        }
        if (update is ISparseUpdate sparse)
        {
            // Adam's step at batch 32: 118 -> 107 µs, momentum's 104 -> 99 (medians of 10 and 8 interleaved runs; Zen 5 EPYC VM)
            pattern.EnsureRows();
            fixed (float* d = Gemm.Values(delta), value = pattern.RowValue)
            fixed (int* start = pattern.RowStart, column = pattern.RowColumn)
                sparse.Update(parameter, new SparseGradient(d, delta.RowCount, start, column, value, weight.ColumnCount), Gemm.Values(weight));
            return;
        }
        // each block's gradient goes into the first columns of scratch, where it is still in L1 when the update reads it.
        // One thread: split over two (blocks of features taken from either end), Adam's step at batch 32 took 136–145 µs
        // against 119–120 whole once its kernel had halved (Zen 5 EPYC VM, 2 vCPUs); the helper's wake-up spin also took the
        // batch preparation's core
        int rows = weight.RowCount, features = weight.ColumnCount, block = UpdateBlock(weight);
        var kernel = new ScatterRows(1f, delta, pattern, 0f, scratch);
        for (int first = 0; first < features; first += block)
        {
            int count = Math.Min(block, features - first);
            kernel.Features(first, count);
            SimdWidth.Run(ref kernel);
            update.Update(parameter, first * rows, Gemm.Values(weight).AsSpan(first * rows, count * rows), Gemm.Values(scratch).AsSpan(0, count * rows));
        }
    }

    // features per block of the update: a block's gradient (Tuning.UpdateBlockFloats) is used while in L1
    private static int UpdateBlock(Matrix<float> weight) => Math.Clamp(Tuning.UpdateBlockFloats / Math.Max(1, weight.RowCount), 1, weight.ColumnCount);

    // Features [first, first + count) of T = beta · T + alpha · δ · Xᵀ, feature p into target column p − first.
    private struct ScatterRows(float alpha, Matrix<float> delta, SparsePattern pattern, float beta, Matrix<float> target) : ISimdKernel
    {
        private int _first, _count = target.ColumnCount;

        public void Features(int first, int count) => (_first, _count) = (first, count);

        public readonly void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            pattern.EnsureRows(); // refuses a pattern with dense features
            int[] rowStart = pattern.RowStart!, rowColumn = pattern.RowColumn!;
            float[] rowValue = pattern.RowValue!;
            int rows = target.RowCount;
            fixed (float* t = Gemm.Values(target), d = Gemm.Values(delta))
            fixed (int* column = rowColumn)
            fixed (float* value = rowValue)
            {
                for (int p = _first; p < _first + _count; p++)
                {
                    float* targetColumn = t + (long)(p - _first) * rows;
                    int first = rowStart[p], count = rowStart[p + 1] - first;
                    if (count == 0)
                    {
                        if (beta == 0f) new Span<float>(targetColumn, rows).Clear();
                        else if (beta != 1f) for (int r = 0; r < rows; r++) targetColumn[r] *= beta;
                        continue;
                    }
                    SparseKernels.Scatter<TV>(d, rows, rows, column + first, value + first, count, alpha, beta, targetColumn);
                }
            }
        }
    }
}
