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
    /// <paramref name="update"/>. A sparse batch's gradient is computed a block of features at a time into the first columns of
    /// <paramref name="scratch"/> (the layer's gradient buffer), which stay in the cache while the update reads them; a dense
    /// batch's is one product into <paramref name="scratch"/>.
    /// </summary>
    public static void UpdateTransposed(Matrix<float> delta, Batch input, Matrix<float> scratch, Matrix<float> weight, IParameterUpdate update, int parameter)
    {
        if (input.Pattern is not { IsSparse: true } pattern)
        {
            Gemm.Multiply(Transpose.DontTranspose, Transpose.Transpose, 1f, delta, input.Dense!, 0f, scratch);
            update.Update(parameter, 0, Gemm.Values(weight), Gemm.Values(scratch));
            return;
        }
        int rows = weight.RowCount, features = weight.ColumnCount;
        int threads = Math.Min(Gemm.Threads, Tuning.UpdateThreads);
        if (threads > 1 && (long)rows * features >= Tuning.ParallelUpdateFloats && !LinearAlgebra.ColumnSplit.IsInside && !LinearAlgebra.ForkJoin.AreCoresTaken)
        {
            // the caller takes blocks of features from the first on, the helper from the last back, until they meet: each
            // keeps about the same share of an optimizer's state (Adam's two moments: 800 KB for 784-128) in its own core's
            // L2 from one step to the next, and a helper slowed down (its core shared with the batch preparation) does fewer
            pattern.EnsureRows();
            var work = t_update ??= new UpdateWork();
            work.Begin(delta, pattern, scratch, weight, update, parameter);
            LinearAlgebra.ForkJoin.Run(work, threads);
            return;
        }
        UpdateFeatures(delta, pattern, scratch, weight, update, parameter, 0, features, ownColumns: false);
    }

    // features [from, to) by blocks: each block's gradient into the same columns of scratch (from on, so that two threads
    // share the buffer, or else the first ones), where it is still in L1 when the update reads it
    private static void UpdateFeatures(Matrix<float> delta, SparsePattern pattern, Matrix<float> scratch, Matrix<float> weight, IParameterUpdate update, int parameter,
        int from, int to, bool ownColumns)
    {
        int rows = weight.RowCount, block = UpdateBlock(weight);
        var kernel = new ScatterRows(1f, delta, pattern, 0f, scratch);
        for (int first = from; first < to; first += block)
        {
            int count = Math.Min(block, to - first), column = ownColumns ? from : 0;
            kernel.Features(first, count, column);
            SimdWidth.Run(ref kernel);
            update.Update(parameter, first * rows, Gemm.Values(weight).AsSpan(first * rows, count * rows), Gemm.Values(scratch).AsSpan(column * rows, count * rows));
        }
    }

    // features per block of the update: a block's gradient (Tuning.UpdateBlockFloats) is used while in L1
    private static int UpdateBlock(Matrix<float> weight) => Math.Clamp(Tuning.UpdateBlockFloats / Math.Max(1, weight.RowCount), 1, weight.ColumnCount);

    [ThreadStatic]
    private static UpdateWork? t_update;

    // the arguments of one parallel UpdateTransposed, made once per calling thread so that a step allocates nothing
    private sealed class UpdateWork : LinearAlgebra.IPartedWork
    {
        private Matrix<float>? _delta, _scratch, _weight;
        private SparsePattern? _pattern;
        private IParameterUpdate? _update;
        private int _parameter;

        private int _block, _features;
        // the blocks not taken yet: [first, last) packed as first << 32 | last, taken from either end by compare-exchange
        private long _untaken;

        public void Begin(Matrix<float> delta, SparsePattern pattern, Matrix<float> scratch, Matrix<float> weight, IParameterUpdate update, int parameter)
        {
            (_delta, _pattern, _scratch, _weight, _update, _parameter) = (delta, pattern, scratch, weight, update, parameter);
            _block = UpdateBlock(weight);
            _features = weight.ColumnCount;
            Volatile.Write(ref _untaken, (_features + _block - 1) / _block);
        }

        // part 0 takes blocks from the front, any other from the back (two parts: Tuning.UpdateThreads); each block's
        // gradient goes into its own columns of the scratch, so the numbers do not depend on who took it
        public void Run(int part, int parts)
        {
            bool front = part == 0;
            while (true)
            {
                long untaken = Volatile.Read(ref _untaken);
                int first = (int)(untaken >> 32), last = (int)untaken;
                if (first >= last) return;
                long rest = front ? (long)(first + 1) << 32 | (uint)last : (long)first << 32 | (uint)(last - 1);
                if (Interlocked.CompareExchange(ref _untaken, rest, untaken) != untaken) continue;
                int taken = front ? first : last - 1, from = taken * _block;
                UpdateFeatures(_delta!, _pattern!, _scratch!, _weight!, _update!, _parameter, from, Math.Min(_features, from + _block), ownColumns: true);
            }
        }
    }

    // Features [first, first + count) of T = beta · T + alpha · δ · Xᵀ, feature p into target column p − first + column.
    private struct ScatterRows(float alpha, Matrix<float> delta, SparsePattern pattern, float beta, Matrix<float> target) : ISimdKernel
    {
        private int _first, _count = target.ColumnCount, _column;

        public void Features(int first, int count, int column = 0) => (_first, _count, _column) = (first, count, column);

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
                    float* targetColumn = t + (long)(p - _first + _column) * rows;
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
