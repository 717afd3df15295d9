using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransposeKind = MathNet.Numerics.Providers.LinearAlgebra.Transpose;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// A convolution done as matrix products. A batch is features × samples, each sample a column in NCHW order.
/// <c>Im2Col</c> lays every output position's input patch out as one column of a patch × (samples ·
/// positions) matrix, so a chunk's convolution is one product with the weight (PyTorch's [out, in, kh, kw] in C
/// order is the column-major patch × out matrix): <c>Wᵀ · columns</c> gives out × (samples · positions) —
/// channels last — which goes back to NCHW samples (<see cref="ToChannelsFirst"/>). Backward does the reverse:
/// the delta channels last, <c>columns · deltaᵀ</c> for the weight gradient and <c>W · delta</c> added back
/// onto the input positions by <c>Col2Im</c>. <see cref="Forward"/> and <see cref="Backward"/> take the
/// batch a few samples at a time (<see cref="Tuning.ConvChunkFloats"/>) so the patch matrices stay in the cache,
/// recompute the patches in backward instead of keeping them, and split the chunks over the threads.
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

    /// <summary>columns[(c·k + i)·k + j, n·positions + oh·ow + ow] = input[n][c, oh·stride − pad + i, ow·stride − pad + j], 0 outside.</summary>
    public static void Im2Col(Matrix<float> input, Window2D w, Matrix<float> columns)
    {
        Check(columns, w.Patch, (long)input.ColumnCount * w.Positions, nameof(columns));
        Check(input, w.InputFeatures, input.ColumnCount, nameof(input));
        fixed (float* x = Gemm.Values(input), cols = Gemm.Values(columns)) Im2Col(x, w, 0, input.ColumnCount, cols);
    }

    /// <summary>inputDelta = the sum, over every patch column, of its values put back where <c>Im2Col</c> took them (overwrites inputDelta).</summary>
    public static void Col2Im(Matrix<float> columns, Window2D w, Matrix<float> inputDelta)
    {
        Check(columns, w.Patch, (long)inputDelta.ColumnCount * w.Positions, nameof(columns));
        Check(inputDelta, w.InputFeatures, inputDelta.ColumnCount, nameof(inputDelta));
        fixed (float* dx = Gemm.Values(inputDelta), cols = Gemm.Values(columns)) Col2Im(cols, w, 0, inputDelta.ColumnCount, dx);
    }

    /// <summary>channelsFirst[c·positions + p, n] = channelsLast[c, n·positions + p]: out × (samples · positions) back to NCHW samples.</summary>
    public static void ToChannelsFirst(Matrix<float> channelsLast, int positions, Matrix<float> channelsFirst)
    {
        int channels = channelsLast.RowCount, samples = channelsFirst.ColumnCount;
        Check(channelsLast, channels, (long)samples * positions, nameof(channelsLast));
        Check(channelsFirst, (long)channels * positions, samples, nameof(channelsFirst));
        fixed (float* src = Gemm.Values(channelsLast), dst = Gemm.Values(channelsFirst))
            for (int n = 0; n < samples; n++)
                Transpose(src + (long)n * positions * channels, channels, positions, dst + (long)n * positions * channels);
    }

    /// <summary>channelsLast[c, n·positions + p] = channelsFirst[c·positions + p, n]: the reverse of <see cref="ToChannelsFirst"/>.</summary>
    public static void ToChannelsLast(Matrix<float> channelsFirst, int positions, Matrix<float> channelsLast)
    {
        int channels = channelsLast.RowCount, samples = channelsFirst.ColumnCount;
        Check(channelsLast, channels, (long)samples * positions, nameof(channelsLast));
        Check(channelsFirst, (long)channels * positions, samples, nameof(channelsFirst));
        fixed (float* src = Gemm.Values(channelsFirst), dst = Gemm.Values(channelsLast))
            for (int n = 0; n < samples; n++)
                Transpose(src + (long)n * positions * channels, positions, channels, dst + (long)n * positions * channels);
    }

    // samples [first, first + count) of x into the patch matrix cols (patch × count · positions)
    internal static void Im2Col(float* x, Window2D w, int first, int count, float* cols)
    {
        int k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth, plane = w.Height * w.Width;
        float* dst = cols;
        for (int n = first; n < first + count; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    int top = oh * w.Stride - w.Padding, left = ow * w.Stride - w.Padding;
                    bool inside = top >= 0 && left >= 0 && top + k <= w.Height && left + k <= w.Width;
                    if (inside && k == 3)
                    {
                        // the common 3×3 kernel: nine values per channel, three rows of three
                        float* src = sample + top * w.Width + left;
                        for (int c = 0; c < w.Channels; c++, src += plane, dst += 9)
                        {
                            dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2];
                            float* r1 = src + w.Width;
                            dst[3] = r1[0]; dst[4] = r1[1]; dst[5] = r1[2];
                            float* r2 = r1 + w.Width;
                            dst[6] = r2[0]; dst[7] = r2[1]; dst[8] = r2[2];
                        }
                        continue;
                    }
                    for (int c = 0; c < w.Channels; c++)
                    {
                        float* channel = sample + (long)c * plane;
                        for (int i = 0; i < k; i++, dst += k)
                        {
                            int row = top + i;
                            if (inside)
                            {
                                float* src = channel + row * w.Width + left;
                                for (int j = 0; j < k; j++) dst[j] = src[j];
                                continue;
                            }
                            for (int j = 0; j < k; j++)
                            {
                                int col = left + j;
                                dst[j] = (uint)row < (uint)w.Height && (uint)col < (uint)w.Width ? channel[row * w.Width + col] : 0f;
                            }
                        }
                    }
                }
        }
    }

    // the patch matrix cols of samples [first, first + count) added back onto their input positions in dx (overwritten)
    internal static void Col2Im(float* cols, Window2D w, int first, int count, float* dx)
    {
        int k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth, plane = w.Height * w.Width;
        new Span<float>(dx + (long)first * w.InputFeatures, count * w.InputFeatures).Clear();
        float* src = cols;
        for (int n = first; n < first + count; n++)
        {
            float* sample = dx + (long)n * w.InputFeatures;
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    int top = oh * w.Stride - w.Padding, left = ow * w.Stride - w.Padding;
                    bool inside = top >= 0 && left >= 0 && top + k <= w.Height && left + k <= w.Width;
                    if (inside && k == 3)
                    {
                        float* dst = sample + top * w.Width + left;
                        for (int c = 0; c < w.Channels; c++, dst += plane, src += 9)
                        {
                            dst[0] += src[0]; dst[1] += src[1]; dst[2] += src[2];
                            float* r1 = dst + w.Width;
                            r1[0] += src[3]; r1[1] += src[4]; r1[2] += src[5];
                            float* r2 = r1 + w.Width;
                            r2[0] += src[6]; r2[1] += src[7]; r2[2] += src[8];
                        }
                        continue;
                    }
                    for (int c = 0; c < w.Channels; c++)
                    {
                        float* channel = sample + (long)c * plane;
                        for (int i = 0; i < k; i++, src += k)
                        {
                            int row = top + i;
                            for (int j = 0; j < k; j++)
                            {
                                int col = left + j;
                                if ((uint)row < (uint)w.Height && (uint)col < (uint)w.Width) channel[row * w.Width + col] += src[j];
                            }
                        }
                    }
                }
        }
    }

    // dst (cols × rows, column-major) = transpose of src (rows × cols, column-major), in tiles that stay in L1
    internal static void Transpose(float* src, int rows, int cols, float* dst)
    {
        const int Tile = 16;
        for (int c0 = 0; c0 < cols; c0 += Tile)
        {
            int c1 = Math.Min(cols, c0 + Tile);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c = c0; c < c1; c++)
                {
                    float* s = src + (long)c * rows;
                    for (int r = r0; r < r1; r++) dst[(long)r * cols + c] = s[r];
                }
            }
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
