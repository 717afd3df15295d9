using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// A convolution of stride 1 with a small patch (a first layer over one or a few channels: 1 × 3 × 3 is 9
/// values), computed directly on NCHW samples: each sample is copied once into a zero-padded plane, and an
/// output row is then a contiguous run of that plane read at the patch's offsets — computed on a grid as
/// wide as the padded input, whose extra columns are dropped. No patch matrix, no transposes; bias and
/// activation are applied as the outputs are written. Backward computes the weight and bias gradients the
/// same way (a first layer has no error to pass on). Blocks of four filters share each load of the input.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class DirectConvKernels
{
    /// <summary>Patches up to this size go the direct way (the generator decides at compile time).</summary>
    public const int MaxPatch = 32;

    /// <summary>Floats of scratch the kernels need for <paramref name="w"/> with <paramref name="filters"/> outputs.</summary>
    public static int ScratchLength(Window2D w, int filters)
    {
        int paddedWidth = w.Width + 2 * w.Padding, paddedHeight = w.Height + 2 * w.Padding;
        int wide = Round(w.OutputHeight * paddedWidth);
        // the padded planes (read up to one vector past the last wide output at the largest offset), four wide rows
        return w.Channels * paddedHeight * paddedWidth + wide + (w.Size - 1) * (paddedWidth + 1) + 64 + 4 * wide;
    }

    private static int Round(int n) => (n + 63) / 64 * 64;

    /// <summary>output = activation(W ⊛ input + b) for every sample; weight is [out, in, k, k] in C order.</summary>
    public static void Forward(Matrix<float> input, Window2D w, float[] weight, float[] bias, Activation activation, Matrix<float> output, float[] scratch)
    {
        var kernel = new ForwardKernel(Gemm.Values(input), w, weight, bias, activation, Gemm.Values(output), input.ColumnCount, scratch);
        SimdWidth.Run(ref kernel);
    }

    /// <summary>weightGradient = alpha · dL/dW + beta · weightGradient, and the same for the bias, from delta (d loss / d output, NCHW).</summary>
    public static void WeightGradient(Matrix<float> input, Window2D w, Matrix<float> delta, float alpha, float beta, float[] weightGradient, float[] biasGradient, float[] scratch)
    {
        var kernel = new GradientKernel(Gemm.Values(input), w, Gemm.Values(delta), alpha, beta, weightGradient, biasGradient, input.ColumnCount, delta.RowCount, scratch);
        SimdWidth.Run(ref kernel);
    }

    // the zero-padded planes of one sample; returns the offsets of the patch's values in them
    private static void Pad(float* sample, Window2D w, float* padded, int paddedLength)
    {
        int pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding;
        new Span<float>(padded, paddedLength).Clear();
        for (int c = 0; c < w.Channels; c++)
            for (int r = 0; r < w.Height; r++)
                new ReadOnlySpan<float>(sample + (c * w.Height + r) * w.Width, w.Width)
                    .CopyTo(new Span<float>(padded + (c * ph + r + w.Padding) * pw + w.Padding, w.Width));
    }

    private static void Offsets(Window2D w, Span<int> offsets)
    {
        int pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding, t = 0;
        for (int c = 0; c < w.Channels; c++)
            for (int i = 0; i < w.Size; i++)
                for (int j = 0; j < w.Size; j++) offsets[t++] = (c * ph + i) * pw + j;
    }

    private readonly struct ForwardKernel(float[] input, Window2D w, float[] weight, float[] bias, Activation activation, float[] output, int samples, float[] scratch) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding, outH = w.OutputHeight, outW = w.OutputWidth;
            int patch = w.Patch, filters = bias.Length, positions = outH * outW, wide = Round(outH * pw);
            int paddedLength = w.Channels * ph * pw + wide + (w.Size - 1) * (pw + 1) + 64;
            Span<int> offsets = stackalloc int[patch];
            Offsets(w, offsets);
            fixed (float* x = input, y = output, wt = weight, b = bias, s = scratch)
            {
                float* padded = s, rows = s + paddedLength;
                for (int n = 0; n < samples; n++)
                {
                    Pad(x + (long)n * w.InputFeatures, w, padded, paddedLength);
                    for (int f0 = 0; f0 < filters; f0 += 4)
                    {
                        int count = Math.Min(4, filters - f0);
                        float* w0 = wt + f0 * patch, w1 = wt + Math.Min(f0 + 1, filters - 1) * patch, w2 = wt + Math.Min(f0 + 2, filters - 1) * patch, w3 = wt + Math.Min(f0 + 3, filters - 1) * patch;
                        for (int q = 0; q < outH * pw; q += TV.Count)
                        {
                            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
                            for (int t = 0; t < patch; t++)
                            {
                                TV v = TV.Load(padded + q + offsets[t]);
                                a0 = TV.MultiplyAdd(TV.Broadcast(w0[t]), v, a0);
                                a1 = TV.MultiplyAdd(TV.Broadcast(w1[t]), v, a1);
                                a2 = TV.MultiplyAdd(TV.Broadcast(w2[t]), v, a2);
                                a3 = TV.MultiplyAdd(TV.Broadcast(w3[t]), v, a3);
                            }
                            TV.Store(a0, rows + q);
                            TV.Store(a1, rows + wide + q);
                            TV.Store(a2, rows + 2 * wide + q);
                            TV.Store(a3, rows + 3 * wide + q);
                        }
                        for (int k = 0; k < count; k++)
                        {
                            float* plane = y + (long)n * filters * positions + (long)(f0 + k) * positions, row = rows + k * wide;
                            float bk = b[f0 + k];
                            for (int oh = 0; oh < outH; oh++)
                                for (int ow = 0; ow < outW; ow++)
                                    plane[oh * outW + ow] = Activate(row[oh * pw + ow] + bk, activation);
                        }
                    }
                }
            }
        }
    }

    private static float Activate(float z, Activation activation) => activation switch
    {
        Activation.ReLU => MathF.Max(z, 0f),
        Activation.Tanh => MathF.Tanh(z),
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-z)),
        _ => z,
    };

    private readonly struct GradientKernel(float[] input, Window2D w, float[] delta, float alpha, float beta, float[] weightGradient, float[] biasGradient,
        int samples, int outFeatures, float[] scratch) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding, outH = w.OutputHeight, outW = w.OutputWidth;
            int patch = w.Patch, filters = biasGradient.Length, positions = outH * outW, wide = Round(outH * pw);
            int paddedLength = w.Channels * ph * pw + wide + (w.Size - 1) * (pw + 1) + 64;
            Span<int> offsets = stackalloc int[patch];
            Offsets(w, offsets);
            // the sums in double per filter and patch value would be exact-er, but float sums of ≤ 10^5 terms match the GEMM path's
            Span<float> sums = stackalloc float[filters * patch + filters];
            sums.Clear();
            Span<float> lanes = stackalloc float[TV.Count];
            fixed (float* x = input, d = delta, s = scratch, sum = sums, lane = lanes)
            {
                float* padded = s, rows = s + paddedLength;
                new Span<float>(rows, 4 * wide).Clear(); // the extra columns stay zero: they add nothing
                for (int n = 0; n < samples; n++)
                {
                    Pad(x + (long)n * w.InputFeatures, w, padded, paddedLength);
                    for (int f0 = 0; f0 < filters; f0 += 4)
                    {
                        int count = Math.Min(4, filters - f0);
                        for (int k = 0; k < 4; k++)
                        {
                            float* row = rows + k * wide;
                            if (k >= count) { new Span<float>(row, wide).Clear(); continue; }
                            float* plane = d + (long)n * outFeatures + (long)(f0 + k) * positions;
                            float total = 0f;
                            for (int oh = 0; oh < outH; oh++)
                                for (int ow = 0; ow < outW; ow++)
                                {
                                    float v = plane[oh * outW + ow];
                                    row[oh * pw + ow] = v;
                                    total += v;
                                }
                            sum[filters * patch + f0 + k] += total;
                        }
                        for (int t = 0; t < patch; t++)
                        {
                            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
                            float* src = padded + offsets[t];
                            for (int q = 0; q < outH * pw; q += TV.Count)
                            {
                                TV v = TV.Load(src + q);
                                a0 = TV.MultiplyAdd(TV.Load(rows + q), v, a0);
                                a1 = TV.MultiplyAdd(TV.Load(rows + wide + q), v, a1);
                                a2 = TV.MultiplyAdd(TV.Load(rows + 2 * wide + q), v, a2);
                                a3 = TV.MultiplyAdd(TV.Load(rows + 3 * wide + q), v, a3);
                            }
                            sum[f0 * patch + t] += Total(a0, lane);
                            if (count > 1) sum[(f0 + 1) * patch + t] += Total(a1, lane);
                            if (count > 2) sum[(f0 + 2) * patch + t] += Total(a2, lane);
                            if (count > 3) sum[(f0 + 3) * patch + t] += Total(a3, lane);
                        }
                    }
                }
                for (int i = 0; i < filters * patch; i++) weightGradient[i] = alpha * sum[i] + (beta == 0 ? 0f : beta * weightGradient[i]);
                for (int f = 0; f < filters; f++) biasGradient[f] = alpha * sum[filters * patch + f] + (beta == 0 ? 0f : beta * biasGradient[f]);
            }
        }

        private static float Total<TV>(TV v, float* lane) where TV : struct, ISimdVector<TV>
        {
            TV.Store(v, lane);
            float total = 0f;
            for (int i = 0; i < TV.Count; i++) total += lane[i];
            return total;
        }
    }
}
