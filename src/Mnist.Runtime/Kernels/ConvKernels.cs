using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// The data movement around a convolution done as matrix products. A batch is features × samples, each sample a
/// column in NCHW order. <see cref="Im2Col"/> lays every output position's input patch out as one column of a
/// patch × (samples · positions) matrix, so the whole batch's convolution is one product with the weight
/// (PyTorch's [out, in, kh, kw] in C order is the column-major patch × out matrix): <c>Wᵀ · columns</c> gives
/// out × (samples · positions) — channels last — which <see cref="ToChannelsFirst"/> turns back into NCHW
/// samples. Backward, <see cref="ToChannelsLast"/> does the reverse and <see cref="Col2Im"/> adds each patch's
/// gradient back onto the input positions it came from.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class ConvKernels
{
    /// <summary>columns[(c·k + i)·k + j, n·positions + oh·ow + ow] = input[n][c, oh·stride − pad + i, ow·stride − pad + j], 0 outside.</summary>
    public static void Im2Col(Matrix<float> input, Window2D w, Matrix<float> columns)
    {
        int samples = input.ColumnCount, patch = w.Patch, k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth;
        Check(columns, patch, samples * w.Positions, nameof(columns));
        Check(input, w.InputFeatures, samples, nameof(input));
        fixed (float* x = Gemm.Values(input), cols = Gemm.Values(columns))
        {
            float* dst = cols;
            for (int n = 0; n < samples; n++)
            {
                float* sample = x + (long)n * w.InputFeatures;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        int top = oh * w.Stride - w.Padding, left = ow * w.Stride - w.Padding;
                        bool inside = top >= 0 && left >= 0 && top + k <= w.Height && left + k <= w.Width;
                        for (int c = 0; c < w.Channels; c++)
                        {
                            float* channel = sample + (long)c * w.Height * w.Width;
                            for (int i = 0; i < k; i++)
                            {
                                int row = top + i;
                                if (inside)
                                {
                                    float* src = channel + row * w.Width + left;
                                    for (int j = 0; j < k; j++) dst[j] = src[j];
                                }
                                else
                                {
                                    for (int j = 0; j < k; j++)
                                    {
                                        int col = left + j;
                                        dst[j] = (uint)row < (uint)w.Height && (uint)col < (uint)w.Width ? channel[row * w.Width + col] : 0f;
                                    }
                                }
                                dst += k;
                            }
                        }
                    }
            }
        }
    }

    /// <summary>inputDelta = the sum, over every patch column, of its values put back where <see cref="Im2Col"/> took them (overwrites inputDelta).</summary>
    public static void Col2Im(Matrix<float> columns, Window2D w, Matrix<float> inputDelta)
    {
        int samples = inputDelta.ColumnCount, patch = w.Patch, k = w.Size, outH = w.OutputHeight, outW = w.OutputWidth;
        Check(columns, patch, samples * w.Positions, nameof(columns));
        Check(inputDelta, w.InputFeatures, samples, nameof(inputDelta));
        Gemm.Values(inputDelta).AsSpan().Clear();
        fixed (float* dx = Gemm.Values(inputDelta), cols = Gemm.Values(columns))
        {
            float* src = cols;
            for (int n = 0; n < samples; n++)
            {
                float* sample = dx + (long)n * w.InputFeatures;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        int top = oh * w.Stride - w.Padding, left = ow * w.Stride - w.Padding;
                        for (int c = 0; c < w.Channels; c++)
                        {
                            float* channel = sample + (long)c * w.Height * w.Width;
                            for (int i = 0; i < k; i++)
                            {
                                int row = top + i;
                                for (int j = 0; j < k; j++)
                                {
                                    int col = left + j;
                                    if ((uint)row < (uint)w.Height && (uint)col < (uint)w.Width) channel[row * w.Width + col] += src[j];
                                }
                                src += k;
                            }
                        }
                    }
            }
        }
    }

    /// <summary>channelsFirst[c·positions + p, n] = channelsLast[c, n·positions + p]: out × (samples · positions) back to NCHW samples.</summary>
    public static void ToChannelsFirst(Matrix<float> channelsLast, int positions, Matrix<float> channelsFirst)
    {
        int channels = channelsLast.RowCount, samples = channelsFirst.ColumnCount;
        Check(channelsLast, channels, samples * positions, nameof(channelsLast));
        Check(channelsFirst, channels * positions, samples, nameof(channelsFirst));
        fixed (float* src = Gemm.Values(channelsLast), dst = Gemm.Values(channelsFirst))
            for (int n = 0; n < samples; n++)
                Transpose(src + (long)n * positions * channels, channels, positions, dst + (long)n * positions * channels);
    }

    /// <summary>channelsLast[c, n·positions + p] = channelsFirst[c·positions + p, n]: the reverse of <see cref="ToChannelsFirst"/>.</summary>
    public static void ToChannelsLast(Matrix<float> channelsFirst, int positions, Matrix<float> channelsLast)
    {
        int channels = channelsLast.RowCount, samples = channelsFirst.ColumnCount;
        Check(channelsLast, channels, samples * positions, nameof(channelsLast));
        Check(channelsFirst, channels * positions, samples, nameof(channelsFirst));
        fixed (float* src = Gemm.Values(channelsFirst), dst = Gemm.Values(channelsLast))
            for (int n = 0; n < samples; n++)
                Transpose(src + (long)n * positions * channels, positions, channels, dst + (long)n * positions * channels);
    }

    // dst (cols × rows, column-major) = transpose of src (rows × cols, column-major), in tiles that stay in L1
    private static void Transpose(float* src, int rows, int cols, float* dst)
    {
        const int Tile = 16;
        for (int c0 = 0; c0 < cols; c0 += Tile)
        {
            int c1 = Math.Min(cols, c0 + Tile);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c = c0; c < c1; c++)
                    for (int r = r0; r < r1; r++)
                        dst[(long)r * cols + c] = src[(long)c * rows + r];
            }
        }
    }

    private static void Check(Matrix<float> m, long rows, long columns, string name)
    {
        if (m.RowCount != rows || m.ColumnCount != columns)
            throw new ArgumentException($"{name} is {m.RowCount}×{m.ColumnCount}, expected {rows}×{columns}", name);
    }
}
