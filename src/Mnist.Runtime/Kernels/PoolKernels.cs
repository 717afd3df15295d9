using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>Pooling over NCHW samples (one per column): max pooling with the position of each maximum saved for backward, and average pooling.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class PoolKernels
{
    /// <summary>output = each window's maximum (the first of equal ones, as PyTorch); argmax = its index within the sample.</summary>
    public static void MaxPool(Matrix<float> input, Window2D w, Matrix<float> output, int[] argmax)
    {
        int samples = input.ColumnCount, outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        Check(input, output, argmax, w);
        fixed (float* x = Gemm.Values(input), y = Gemm.Values(output))
        fixed (int* arg = argmax)
        {
            if (w.Size == 2 && w.Stride == 2)
            {
                MaxPool2x2(x, w, samples, y, arg);
                return;
            }
            for (int n = 0; n < samples; n++)
            {
                float* sample = x + (long)n * w.InputFeatures;
                long o = (long)n * outFeatures;
                for (int c = 0; c < w.Channels; c++)
                {
                    int channel = c * w.Height * w.Width;
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++, o++)
                        {
                            int first = channel + oh * w.Stride * w.Width + ow * w.Stride, best = first;
                            float max = sample[first];
                            for (int i = 0; i < w.Size; i++)
                            {
                                int row = first + i * w.Width;
                                for (int j = 0; j < w.Size; j++)
                                {
                                    float v = sample[row + j];
                                    // NaN propagates as in PyTorch
                                    if (v > max || float.IsNaN(v)) { max = v; best = row + j; }
                                }
                            }
                            y[o] = max;
                            arg[o] = best;
                        }
                }
            }
        }
    }

    // the common 2×2 windows of stride 2, with the window's four offsets known: the same scan order and results
    private static void MaxPool2x2(float* x, Window2D w, int samples, float* y, int* arg)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, width = w.Width, plane = w.Height * w.Width;
        long o = 0;
        for (int n = 0; n < samples; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            for (int c = 0; c < w.Channels; c++)
                for (int oh = 0; oh < outH; oh++)
                {
                    int top = c * plane + 2 * oh * width;
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        int i0 = top + 2 * ow, i2 = i0 + width;
                        float v0 = sample[i0], v1 = sample[i0 + 1], v2 = sample[i2], v3 = sample[i2 + 1];
                        float max = v0;
                        int best = i0;
                        if (v1 > max || float.IsNaN(v1)) { max = v1; best = i0 + 1; }
                        if (v2 > max || float.IsNaN(v2)) { max = v2; best = i2; }
                        if (v3 > max || float.IsNaN(v3)) { max = v3; best = i2 + 1; }
                        y[o] = max;
                        arg[o] = best;
                    }
                }
        }
    }

    /// <summary>inputDelta = each output's delta put back at its maximum (overwrites inputDelta).</summary>
    public static void MaxPoolBackward(Matrix<float> delta, int[] argmax, Window2D w, Matrix<float> inputDelta)
    {
        int samples = delta.ColumnCount, outFeatures = w.Channels * w.Positions;
        Check(inputDelta, delta, argmax, w);
        Gemm.Values(inputDelta).AsSpan().Clear();
        fixed (float* d = Gemm.Values(delta), dx = Gemm.Values(inputDelta))
        fixed (int* arg = argmax)
            for (int n = 0; n < samples; n++)
            {
                float* sample = dx + (long)n * w.InputFeatures;
                long o = (long)n * outFeatures;
                for (int f = 0; f < outFeatures; f++) sample[arg[o + f]] += d[o + f];
            }
    }

    /// <summary>output = each window's mean.</summary>
    public static void AvgPool(Matrix<float> input, Window2D w, Matrix<float> output)
    {
        int samples = input.ColumnCount, outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        Check(input, output, null, w);
        float scale = 1f / (w.Size * w.Size);
        fixed (float* x = Gemm.Values(input), y = Gemm.Values(output))
            for (int n = 0; n < samples; n++)
            {
                float* sample = x + (long)n * w.InputFeatures;
                long o = (long)n * outFeatures;
                for (int c = 0; c < w.Channels; c++)
                {
                    int channel = c * w.Height * w.Width;
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++, o++)
                        {
                            int first = channel + oh * w.Stride * w.Width + ow * w.Stride;
                            float sum = 0f;
                            for (int i = 0; i < w.Size; i++)
                                for (int j = 0; j < w.Size; j++) sum += sample[first + i * w.Width + j];
                            y[o] = sum * scale;
                        }
                }
            }
    }

    /// <summary>inputDelta = each output's delta spread evenly over its window (overwrites inputDelta).</summary>
    public static void AvgPoolBackward(Matrix<float> delta, Window2D w, Matrix<float> inputDelta)
    {
        int samples = delta.ColumnCount, outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        Check(inputDelta, delta, null, w);
        Gemm.Values(inputDelta).AsSpan().Clear();
        float scale = 1f / (w.Size * w.Size);
        fixed (float* d = Gemm.Values(delta), dx = Gemm.Values(inputDelta))
            for (int n = 0; n < samples; n++)
            {
                float* sample = dx + (long)n * w.InputFeatures;
                long o = (long)n * outFeatures;
                for (int c = 0; c < w.Channels; c++)
                {
                    int channel = c * w.Height * w.Width;
                    for (int oh = 0; oh < outH; oh++)
                        for (int ow = 0; ow < outW; ow++, o++)
                        {
                            int first = channel + oh * w.Stride * w.Width + ow * w.Stride;
                            float share = d[o] * scale;
                            for (int i = 0; i < w.Size; i++)
                                for (int j = 0; j < w.Size; j++) sample[first + i * w.Width + j] += share;
                        }
                }
            }
    }

    private static void Check(Matrix<float> input, Matrix<float> output, int[]? argmax, Window2D w)
    {
        if (input.RowCount != w.InputFeatures || output.RowCount != w.Channels * w.Positions || input.ColumnCount != output.ColumnCount)
            throw new ArgumentException($"pooling {w} of {input.RowCount}×{input.ColumnCount} into {output.RowCount}×{output.ColumnCount}");
        if (argmax is not null && argmax.Length < (long)output.RowCount * output.ColumnCount)
            throw new ArgumentException($"argmax holds {argmax.Length} positions, not {(long)output.RowCount * output.ColumnCount}", nameof(argmax));
    }
}
