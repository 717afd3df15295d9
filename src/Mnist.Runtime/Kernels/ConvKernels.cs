using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransposeKind = MathNet.Numerics.Providers.LinearAlgebra.Transpose;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// A convolution done as matrix products. A batch is features × samples, each sample a column in NCHW order.
/// For a chunk of samples, <c>Im2Col</c> writes the patch matrix position-major: (samples · positions) × patch,
/// column-major, so that for one patch value (channel, kernel row, kernel column) the positions of an output
/// row are a contiguous copy of an input row. The chunk's convolution is then one product with no transposed
/// operand, <c>columns · W</c> (PyTorch's [out, in, kh, kw] in C order is the column-major patch × out matrix),
/// whose result, (samples · positions) × out, holds each channel's plane of each sample as a contiguous run: it
/// goes to NCHW by block copies, adding the bias. Backward: the delta in the same layout by block copies,
/// <c>deltaᵀ · columns</c> for the weight gradient (accumulated per thread as out × patch), and
/// <c>delta · Wᵀ</c> added back onto the input rows by <c>Col2Im</c> — with the weights as they were (for stride 1 that
/// product runs on the wide grid, <see cref="Conv2DScratch.WidePositions"/>, and <c>Col2ImWide</c> adds long runs).
/// <see cref="Forward"/> and <see cref="Backward"/> take the batch a few samples at a time
/// (<see cref="Tuning.ConvChunkFloats"/>) so the patch matrices stay in the cache, recompute the patches in
/// backward instead of keeping them, and split the chunks over the threads.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class ConvKernels
{
    /// <summary>activation(W ⊛ input + b) of every sample into <paramref name="output"/> (NCHW).</summary>
    public static void Forward(Matrix<float> input, Conv2DLayer layer, Matrix<float> output, Conv2DScratch scratch)
    {
        Check(input, layer.Window.InputFeatures, scratch.BatchSize, nameof(input));
        Check(output, (long)layer.Filters * layer.Window.Positions, scratch.BatchSize, nameof(output));
        scratch.Begin(Conv2DScratch.Pass.Forward, input, layer, output, null, null, 0f, 0f, null, null);
        ForkJoin.Run(scratch, scratch.PartCount);
    }

    /// <summary>
    /// From <paramref name="delta"/> (d loss / d pre-activation output, NCHW): weightTarget = alpha · dL/dW + beta · weightTarget
    /// (the same for the bias), and, unless null, inputDelta = dL/dinput — computed with the weights as they are on entry.
    /// </summary>
    public static void Backward(Matrix<float> input, Conv2DLayer layer, Matrix<float> delta, Matrix<float>? inputDelta, float alpha, float beta,
        float[] weightTarget, float[] biasTarget, Conv2DScratch scratch)
    {
        Check(delta, (long)layer.Filters * layer.Window.Positions, scratch.BatchSize, nameof(delta));
        scratch.Begin(Conv2DScratch.Pass.Backward, input, layer, null, delta, inputDelta, alpha, beta, weightTarget, biasTarget);
        ForkJoin.Run(scratch, scratch.PartCount);
        scratch.FinishGradients();
    }

    /// <summary>columns[n·positions + oh·ow + ow, (c·k + i)·k + j] = input[n][c, oh·stride − pad + i, ow·stride − pad + j], 0 outside: (samples · positions) × patch.</summary>
    public static void Im2Col(Matrix<float> input, Window2D w, Matrix<float> columns)
    {
        Check(columns, (long)input.ColumnCount * w.Positions, w.Patch, nameof(columns));
        Check(input, w.InputFeatures, input.ColumnCount, nameof(input));
        fixed (float* x = Gemm.Values(input), cols = Gemm.Values(columns)) Im2Col(x, w, 0, input.ColumnCount, cols);
    }

    /// <summary>inputDelta = the sum, over every patch row of <paramref name="columns"/>, of its values put back where <c>Im2Col</c> took them (overwrites inputDelta).</summary>
    public static void Col2Im(Matrix<float> columns, Window2D w, Matrix<float> inputDelta)
    {
        Check(columns, (long)inputDelta.ColumnCount * w.Positions, w.Patch, nameof(columns));
        Check(inputDelta, w.InputFeatures, inputDelta.ColumnCount, nameof(inputDelta));
        fixed (float* dx = Gemm.Values(inputDelta), cols = Gemm.Values(columns)) Col2Im(cols, w, 0, inputDelta.ColumnCount, dx);
    }

    // the output columns [lo, hi) whose input column ow·stride − pad + j is inside the input
    private static (int Lo, int Hi) Inside(Window2D w, int j)
    {
        int outW = w.OutputWidth, offset = j - w.Padding;
        int lo = offset >= 0 ? 0 : (-offset + w.Stride - 1) / w.Stride;
        int hi = w.Width - 1 - offset < 0 ? 0 : Math.Min(outW, (w.Width - 1 - offset) / w.Stride + 1);
        lo = Math.Min(lo, outW);
        return (lo, Math.Max(lo, hi));
    }

    // samples [first, first + count) of x into the position-major patch matrix cols ((count · positions) × patch)
    internal static void Im2Col(float* x, Window2D w, int first, int count, float* cols)
    {
        var kernel = new Im2ColKernel(x, w, first, count, cols);
        SimdWidth.Run(ref kernel);
    }

    private readonly struct Im2ColKernel(float* x, Window2D w, int first, int count, float* cols) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth, plane = w.Height * w.Width, positions = w.Positions;
            long n = (long)count * positions;
            for (int c = 0; c < w.Channels; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                    {
                        float* column = cols + ((c * k + i) * k + j) * n;
                        var (lo, hi) = Inside(w, j);
                        for (int s = 0; s < count; s++)
                        {
                            float* channel = x + (long)(first + s) * w.InputFeatures + (long)c * plane;
                            for (int oh = 0; oh < outH; oh++)
                            {
                                float* dst = column + (long)s * positions + oh * outW;
                                int row = oh * w.Stride - w.Padding + i;
                                if ((uint)row >= (uint)w.Height)
                                {
                                    new Span<float>(dst, outW).Clear();
                                    continue;
                                }
                                for (int ow = 0; ow < lo; ow++) dst[ow] = 0f;
                                float* src = channel + row * w.Width + j - w.Padding;
                                // a row of an 11-wide output is two vectors, not a memmove call
                                if (w.Stride == 1) SimdRows.Copy<TV>(src + lo, dst + lo, hi - lo);
                                else for (int ow = lo; ow < hi; ow++) dst[ow] = src[ow * w.Stride];
                                for (int ow = hi; ow < outW; ow++) dst[ow] = 0f;
                            }
                        }
                    }
        }
    }

    // the patch matrix cols of samples [first, first + count) added back onto their input positions in dx (overwritten)
    internal static void Col2Im(float* cols, Window2D w, int first, int count, float* dx)
    {
        int k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth, plane = w.Height * w.Width, positions = w.Positions;
        long n = (long)count * positions;
        new Span<float>(dx + (long)first * w.InputFeatures, count * w.InputFeatures).Clear();
        for (int c = 0; c < w.Channels; c++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++)
                {
                    float* column = cols + ((c * k + i) * k + j) * n;
                    var (lo, hi) = Inside(w, j);
                    for (int s = 0; s < count; s++)
                    {
                        float* channel = dx + (long)(first + s) * w.InputFeatures + (long)c * plane;
                        for (int oh = 0; oh < outH; oh++)
                        {
                            int row = oh * w.Stride - w.Padding + i;
                            if ((uint)row >= (uint)w.Height) continue;
                            float* src = column + (long)s * positions + oh * outW;
                            float* dst = channel + row * w.Width + j - w.Padding;
                            if (w.Stride == 1)
                            {
                                var target = new Span<float>(dst + lo, hi - lo);
                                System.Numerics.Tensors.TensorPrimitives.Add(target, new ReadOnlySpan<float>(src + lo, hi - lo), target);
                            }
                            else for (int ow = lo; ow < hi; ow++) dst[ow * w.Stride] += src[ow];
                        }
                    }
                }
    }

    // Col2Im for a stride-1 window whose patch matrix is on the wide grid (Conv2DScratch.WidePositions per sample, the extra
    // columns zero): patch value (c, i, j)'s error for a sample is one run added at offset i · paddedWidth + j of channel c's
    // padded plane — into dx itself without padding, else into the sample's padded planes, whose inside is then copied out.
    // A run stops at its plane's end: all it would add past it is the zeros of the last row's extra columns.
    internal static void Col2ImWide(float* cols, Window2D w, int first, int count, float* dx, float* padded)
    {
        int k = w.Size, pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding, plane = ph * pw;
        int wide = Conv2DScratch.WidePositions(w);
        long n = (long)count * wide;
        for (int s = 0; s < count; s++)
        {
            float* sample = dx + (long)(first + s) * w.InputFeatures, target = w.Padding == 0 ? sample : padded;
            new Span<float>(target, w.Channels * plane).Clear();
            for (int c = 0; c < w.Channels; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                    {
                        int offset = i * pw + j, length = Math.Min(wide, plane - offset);
                        var run = new Span<float>(target + c * plane + offset, length);
                        System.Numerics.Tensors.TensorPrimitives.Add(run, new ReadOnlySpan<float>(cols + ((c * k + i) * k + j) * n + (long)s * wide, length), run);
                    }
            if (w.Padding == 0) continue;
            for (int c = 0; c < w.Channels; c++)
                for (int r = 0; r < w.Height; r++)
                    new ReadOnlySpan<float>(padded + (c * ph + r + w.Padding) * pw + w.Padding, w.Width).CopyTo(new Span<float>(sample + (c * w.Height + r) * w.Width, w.Width));
        }
    }

    internal static void Check(Matrix<float> m, long rows, long columns, string name)
    {
        if (m.RowCount != rows || m.ColumnCount != columns)
            throw new ArgumentException($"{name} is {m.RowCount}×{m.ColumnCount}, expected {rows}×{columns}", name);
    }

    /// <summary>C = alpha · op(A) · op(B) + beta · C on arrays longer than the matrices (a chunk's), through the installed backend.</summary>
    internal static void Multiply(bool transposeA, bool transposeB, float alpha, float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c) =>
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            transposeA ? TransposeKind.Transpose : TransposeKind.DontTranspose, transposeB ? TransposeKind.Transpose : TransposeKind.DontTranspose,
            alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
}
