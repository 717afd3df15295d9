using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// Pooling over NCHW samples (one per column): max pooling with the position of each maximum saved for backward,
/// and average pooling. <see cref="Forward"/> and <see cref="Backward"/> split the samples over the threads
/// (<see cref="Pool2DScratch"/>); the others run on the calling thread.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class PoolKernels
{
    /// <summary>
    /// The layer's pooling of every sample of <paramref name="input"/> into <paramref name="output"/>; in
    /// <paramref name="training"/> max pooling saves where each maximum was, for <see cref="Backward"/>.
    /// </summary>
    public static void Forward(Pool2DLayer layer, Matrix<float> input, Matrix<float> output, Pool2DScratch scratch, bool training = true)
    {
        Check(input, output, layer.IsMax ? scratch.ArgMax : null, layer.Window);
        scratch.Begin(forward: true, layer, input, output, saveArgMax: training);
        ForkJoin.Run(scratch, ForkJoin.PartsFor(input.ColumnCount));
    }

    /// <summary>output = each window's maximum, as <see cref="MaxPool(Matrix{float}, Window2D, Matrix{float}, int[])"/> without the positions (inference).</summary>
    public static void MaxPoolValues(Matrix<float> input, Window2D w, Matrix<float> output)
    {
        Check(input, output, null, w);
        if (!HasValuesKernel(w))
        {
            MaxPool(input, w, output, new int[output.RowCount * output.ColumnCount]);
            return;
        }
        fixed (float* x = Gemm.Values(input), y = Gemm.Values(output))
            MaxPoolValues(x, w, 0, input.ColumnCount, y);
    }

    // Inference's max pooling has a kernel of its own for the 2×2 windows of stride 2, in blocks of maxima alone (one image's
    // pool1 8.2 -> 4.0 µs, pool2 5.0 -> 2.7, AVX2 EPYC); any other window takes the kernels that also find the positions
    internal static bool HasValuesKernel(Window2D w) => HasBlocks(w);

    // the 2×2 windows of stride 2 in blocks of eight or four (MaxPool2x2Blocks)
    private static bool HasBlocks(Window2D w) => w.Size == 2 && w.Stride == 2 && w.OutputWidth >= 4 && Vector256.IsHardwareAccelerated;

    internal static void MaxPoolValues(float* x, Window2D w, int first, int count, float* y) => MaxPool2x2Blocks(x, w, first, count, y, null);

    // the maxima of the eight windows whose top-left values start at r0; false (nothing written) when a value is NaN.
    // Of equal values the first in the scan's order is taken, as by the scan: only the sign of a zero could tell.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Maxima8(float* r0, int width, float* y)
    {
        float* r1 = r0 + width;
        Vector256<float> a0 = Vector256.Load(r0), a1 = Vector256.Load(r0 + 8), b0 = Vector256.Load(r1), b1 = Vector256.Load(r1 + 8);
        if (!(Vector256.EqualsAll(a0, a0) & Vector256.EqualsAll(a1, a1) & Vector256.EqualsAll(b0, b0) & Vector256.EqualsAll(b1, b1))) return false;
        var v0 = Vector256.ConditionalSelect(Vector256.GreaterThan(b0, a0), b0, a0);
        var v1 = Vector256.ConditionalSelect(Vector256.GreaterThan(b1, a1), b1, a1);
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var left = Vector256.Create(Vector256.Shuffle(v0, even).GetLower(), Vector256.Shuffle(v1, even).GetLower());
        var right = Vector256.Create(Vector256.Shuffle(v0, odd).GetLower(), Vector256.Shuffle(v1, odd).GetLower());
        Vector256.ConditionalSelect(Vector256.GreaterThan(right, left), right, left).Store(y);
        return true;
    }

    // four windows, as Maxima8
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Maxima4(float* r0, int width, float* y)
    {
        Vector256<float> a = Vector256.Load(r0), b = Vector256.Load(r0 + width);
        if (!(Vector256.EqualsAll(a, a) & Vector256.EqualsAll(b, b))) return false;
        var v = Vector256.ConditionalSelect(Vector256.GreaterThan(b, a), b, a);
        var left = Vector256.Shuffle(v, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)).GetLower();
        var right = Vector256.Shuffle(v, Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7)).GetLower();
        Vector128.ConditionalSelect(Vector128.GreaterThan(right, left), right, left).Store(y);
        return true;
    }

    /// <summary>inputDelta = d loss / d input from <paramref name="delta"/> (d loss / d output), overwritten.</summary>
    public static void Backward(Pool2DLayer layer, Matrix<float> delta, Matrix<float> inputDelta, Pool2DScratch scratch)
    {
        Check(inputDelta, delta, layer.IsMax ? scratch.ArgMax : null, layer.Window);
        scratch.Begin(forward: false, layer, delta, inputDelta);
        ForkJoin.Run(scratch, ForkJoin.PartsFor(delta.ColumnCount));
    }

    /// <summary>output = each window's maximum (the first of equal ones, as PyTorch); argmax = its index within the sample.</summary>
    public static void MaxPool(Matrix<float> input, Window2D w, Matrix<float> output, int[] argmax)
    {
        Check(input, output, argmax, w);
        fixed (float* x = Gemm.Values(input), y = Gemm.Values(output))
        fixed (int* arg = argmax)
            MaxPool(x, w, Pool2DLayer.Starts(w), 0, input.ColumnCount, y, arg);
    }

    /// <summary>inputDelta = each output's delta put back at its maximum (overwrites inputDelta).</summary>
    public static void MaxPoolBackward(Matrix<float> delta, int[] argmax, Window2D w, Matrix<float> inputDelta)
    {
        Check(inputDelta, delta, argmax, w);
        fixed (float* d = Gemm.Values(delta), dx = Gemm.Values(inputDelta))
        fixed (int* arg = argmax)
            MaxPoolBackward(d, arg, w, 0, delta.ColumnCount, dx);
    }

    /// <summary>output = each window's mean.</summary>
    public static void AvgPool(Matrix<float> input, Window2D w, Matrix<float> output)
    {
        Check(input, output, null, w);
        fixed (float* x = Gemm.Values(input), y = Gemm.Values(output)) AvgPool(x, w, 0, input.ColumnCount, y);
    }

    /// <summary>inputDelta = each output's delta spread evenly over its window (overwrites inputDelta).</summary>
    public static void AvgPoolBackward(Matrix<float> delta, Window2D w, Matrix<float> inputDelta)
    {
        Check(inputDelta, delta, null, w);
        fixed (float* d = Gemm.Values(delta), dx = Gemm.Values(inputDelta)) AvgPoolBackward(d, w, 0, delta.ColumnCount, dx);
    }

    // starts: the layer's WindowStarts, for the gathered kernel (null: the row-wise ones)
    internal static void MaxPool(float* x, Window2D w, int[]? starts, int first, int count, float* y, int* arg)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        if (starts is not null && Avx2.IsSupported && !(w.Size == 2 && w.Stride == 2 && outW >= 4))
        {
            MaxPoolGathered(x, w, starts, first, count, y, arg);
            return;
        }
        if (HasBlocks(w))
        {
            MaxPool2x2Blocks(x, w, first, count, y, arg);
            return;
        }
        if (w.Size == 2 && w.Stride == 2)
        {
            MaxPool2x2(x, w, first, count, y, arg);
            return;
        }
        for (int n = first; n < first + count; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            long o = (long)n * outFeatures;
            for (int c = 0; c < w.Channels; c++)
            {
                int channel = c * w.Height * w.Width;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        int top = channel + oh * w.Stride * w.Width + ow * w.Stride, best = top;
                        float max = sample[top];
                        for (int i = 0; i < w.Size; i++)
                        {
                            int row = top + i * w.Width;
                            for (int j = 0; j < w.Size; j++) Take(sample[row + j], row + j, ref max, ref best);
                        }
                        y[o] = max;
                        arg[o] = best;
                    }
            }
        }
    }

    // Eight windows at a time, wherever they are: each of a window's values is gathered for eight outputs from the table
    // of their windows' starts, and taken as the scalar scan takes it (greater, or NaN), so the maxima and their indices
    // are PyTorch's. No row tails: a sample's outputs are one run. (Gathers are slow on AMD: 13 us for the convnet's first
    // pooling of one image, where the 2×2 blocks below take 5; this is the path of any other window.)
    private static void MaxPoolGathered(float* x, Window2D w, int[] starts, int first, int count, float* y, int* arg)
    {
        int outFeatures = w.Channels * w.Positions, size = w.Size, width = w.Width;
        fixed (int* start = starts)
            for (int n = first; n < first + count; n++)
            {
                float* sample = x + (long)n * w.InputFeatures, output = y + (long)n * outFeatures;
                int* best = arg + (long)n * outFeatures;
                int o = 0;
                for (; o + 8 <= outFeatures; o += 8)
                {
                    var top = Vector256.Load(start + o);
                    var max = Avx2.GatherVector256(sample, top, 4);
                    var at = top;
                    for (int i = 0; i < size; i++)
                        for (int j = i == 0 ? 1 : 0; j < size; j++)
                        {
                            var index = top + Vector256.Create(i * width + j);
                            var value = Avx2.GatherVector256(sample, index, 4);
                            var take = Vector256.GreaterThan(value, max) | ~Vector256.Equals(value, value);
                            max = Vector256.ConditionalSelect(take, value, max);
                            at = Vector256.ConditionalSelect(take.AsInt32(), index, at);
                        }
                    max.Store(output + o);
                    at.Store(best + o);
                }
                for (; o < outFeatures; o++)
                {
                    int top = start[o], at = top;
                    float max = sample[top];
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++) Take(sample[top + i * width + j], top + i * width + j, ref max, ref at);
                    output[o] = max;
                    best[o] = at;
                }
            }
    }

    // The common 2×2 windows of stride 2 in blocks of eight (four for rows of fewer than eight windows) straight from the
    // pair of input rows: the vertical pairs as vectors (the bottom value wins only when greater), the left and right
    // candidates deinterleaved by shuffles, and the choice between them as MaxPool2x2's below. A row's last block
    // overlaps the one before it (it writes the same values again), so no window is left to a scalar tail; a block
    // holding a NaN takes the exact scan. (The convnet's poolings of one image: 19 and 8 us row by row, 5 and 3 this way.)
    // (arg null: the maxima alone, for inference.)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool2x2Blocks(float* x, Window2D w, int first, int count, float* y, int* arg)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, width = w.Width, plane = w.Height * w.Width, block = outW >= 8 ? 8 : 4;
        long o = (long)first * w.Channels * w.Positions;
        int* unused = stackalloc int[8];
        for (int n = first; n < first + count; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            for (int c = 0; c < w.Channels; c++)
                for (int oh = 0; oh < outH; oh++, o += outW)
                {
                    int top = c * plane + 2 * oh * width;
                    for (int ow = 0; ow < outW; ow += block)
                    {
                        int at = Math.Min(ow, outW - block);
                        bool finite = arg is null
                            ? block == 8 ? Maxima8(sample + top + 2 * at, width, y + o + at) : Maxima4(sample + top + 2 * at, width, y + o + at)
                            : block == 8 ? Windows8(sample, top, width, at, y + o + at, arg + o + at) : Windows4(sample, top, width, at, y + o + at, arg + o + at);
                        if (!finite) ScanWindows(sample, top, width, at, block, y + o + at, arg is null ? unused : arg + o + at);
                    }
                }
        }
    }

    // windows [at, at + 8) of the row pair starting at top; false (nothing written) when a value is NaN
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Windows8(float* sample, int top, int width, int at, float* y, int* arg)
    {
        float* r0 = sample + top + 2 * at, r1 = r0 + width;
        Vector256<float> a0 = Vector256.Load(r0), a1 = Vector256.Load(r0 + 8), b0 = Vector256.Load(r1), b1 = Vector256.Load(r1 + 8);
        if (!(Vector256.EqualsAll(a0, a0) & Vector256.EqualsAll(a1, a1) & Vector256.EqualsAll(b0, b0) & Vector256.EqualsAll(b1, b1))) return false;
        var g0 = Vector256.GreaterThan(b0, a0);
        var g1 = Vector256.GreaterThan(b1, a1);
        var v0 = Vector256.ConditionalSelect(g0, b0, a0);
        var v1 = Vector256.ConditionalSelect(g1, b1, a1);
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var left = Vector256.Create(Vector256.Shuffle(v0, even).GetLower(), Vector256.Shuffle(v1, even).GetLower());
        var right = Vector256.Create(Vector256.Shuffle(v0, odd).GetLower(), Vector256.Shuffle(v1, odd).GetLower());
        var leftBottom = Vector256.Create(Vector256.Shuffle(g0.AsInt32(), even).GetLower(), Vector256.Shuffle(g1.AsInt32(), even).GetLower());
        var rightBottom = Vector256.Create(Vector256.Shuffle(g0.AsInt32(), odd).GetLower(), Vector256.Shuffle(g1.AsInt32(), odd).GetLower());
        var takeRight = Vector256.GreaterThan(right, left).AsInt32() | (Vector256.Equals(right, left).AsInt32() & leftBottom & ~rightBottom);
        Vector256.ConditionalSelect(takeRight.AsSingle(), right, left).Store(y);
        var fromBottom = Vector256.ConditionalSelect(takeRight, rightBottom, leftBottom);
        var column = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(top + 2 * at) + (takeRight & Vector256<int>.One);
        (column + (Vector256.Create(width) & fromBottom)).Store(arg);
        return true;
    }

    // windows [at, at + 4), as Windows8
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Windows4(float* sample, int top, int width, int at, float* y, int* arg)
    {
        float* r0 = sample + top + 2 * at, r1 = r0 + width;
        Vector256<float> a = Vector256.Load(r0), b = Vector256.Load(r1);
        if (!(Vector256.EqualsAll(a, a) & Vector256.EqualsAll(b, b))) return false;
        var g = Vector256.GreaterThan(b, a);
        var v = Vector256.ConditionalSelect(g, b, a);
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var left = Vector256.Shuffle(v, even).GetLower();
        var right = Vector256.Shuffle(v, odd).GetLower();
        var leftBottom = Vector256.Shuffle(g.AsInt32(), even).GetLower();
        var rightBottom = Vector256.Shuffle(g.AsInt32(), odd).GetLower();
        var takeRight = Vector128.GreaterThan(right, left).AsInt32() | (Vector128.Equals(right, left).AsInt32() & leftBottom & ~rightBottom);
        Vector128.ConditionalSelect(takeRight.AsSingle(), right, left).Store(y);
        var fromBottom = Vector128.ConditionalSelect(takeRight, rightBottom, leftBottom);
        var column = Vector128.Create(0, 2, 4, 6) + Vector128.Create(top + 2 * at) + (takeRight & Vector128<int>.One);
        (column + (Vector128.Create(width) & fromBottom)).Store(arg);
        return true;
    }

    // windows [at, at + count) of 2×2 by the exact scan (PyTorch's order and NaN rule)
    private static void ScanWindows(float* sample, int top, int width, int at, int count, float* y, int* arg)
    {
        for (int k = 0; k < count; k++)
        {
            int i0 = top + 2 * (at + k), i2 = i0 + width;
            float max = sample[i0];
            int best = i0;
            Take(sample[i0 + 1], i0 + 1, ref max, ref best);
            Take(sample[i2], i2, ref max, ref best);
            Take(sample[i2 + 1], i2 + 1, ref max, ref best);
            y[k] = max;
            arg[k] = best;
        }
    }

    // The common 2×2 windows of stride 2, with PyTorch's results. Per pair of input rows: the vertical pairs first,
    // with vectors (the bottom value wins only when greater), then one comparison per window between its left and
    // right candidates, where a tie goes to the right one only when it is from the top row and the left one from the
    // bottom (the scan order is top-left, top-right, bottom-left, bottom-right). A pair of rows holding a NaN takes
    // the exact scan. (The convnet's first pooling of 128 samples: 8.5-10.6 ms with a branch per value, 5.8 branch-free,
    // this way 2.0 ms, and 11 us for one image instead of 21.)
    private static void MaxPool2x2(float* x, Window2D w, int first, int count, float* y, int* arg)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, width = w.Width, plane = w.Height * w.Width, used = 2 * outW;
        long o = (long)first * w.Channels * w.Positions;
        float* values = stackalloc float[used + 16];
        int* bottom = stackalloc int[used + 16];
        int lanes = System.Numerics.Vector<float>.Count;
        for (int n = first; n < first + count; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            for (int c = 0; c < w.Channels; c++)
                for (int oh = 0; oh < outH; oh++, o += outW)
                {
                    int top = c * plane + 2 * oh * width;
                    float* r0 = sample + top, r1 = r0 + width;
                    bool finite = true;
                    int q = 0;
                    for (; q + lanes <= used; q += lanes)
                    {
                        var a = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<System.Numerics.Vector<float>>(r0 + q);
                        var b = System.Runtime.CompilerServices.Unsafe.ReadUnaligned<System.Numerics.Vector<float>>(r1 + q);
                        finite &= System.Numerics.Vector.EqualsAll(a, a) & System.Numerics.Vector.EqualsAll(b, b);
                        var greater = System.Numerics.Vector.GreaterThan(b, a);
                        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(values + q, System.Numerics.Vector.ConditionalSelect(greater, b, a));
                        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(bottom + q, greater);
                    }
                    for (; q < used; q++)
                    {
                        float a = r0[q], b = r1[q];
                        finite &= !float.IsNaN(a) & !float.IsNaN(b);
                        bool greater = b > a;
                        values[q] = greater ? b : a;
                        bottom[q] = greater ? -1 : 0;
                    }
                    if (!finite)
                    {
                        for (int ow = 0; ow < outW; ow++)
                        {
                            int i0 = top + 2 * ow, i2 = i0 + width;
                            float max = sample[i0];
                            int best = i0;
                            Take(sample[i0 + 1], i0 + 1, ref max, ref best);
                            Take(sample[i2], i2, ref max, ref best);
                            Take(sample[i2 + 1], i2 + 1, ref max, ref best);
                            y[o + ow] = max;
                            arg[o + ow] = best;
                        }
                        continue;
                    }
                    int start = Vector256.IsHardwareAccelerated ? Horizontal8(values, bottom, outW, top, width, y + o, arg + o) : 0;
                    for (int ow = start; ow < outW; ow++)
                    {
                        float left = values[2 * ow], right = values[2 * ow + 1];
                        int leftBottom = bottom[2 * ow], rightBottom = bottom[2 * ow + 1];
                        bool takeRight = (right > left) | ((right == left) & (leftBottom != 0) & (rightBottom == 0));
                        int mask = -System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref takeRight);
                        int column = 2 * ow + (mask & 1), fromBottom = (rightBottom & mask) | (leftBottom & ~mask);
                        y[o + ow] = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(right) & mask) | (BitConverter.SingleToInt32Bits(left) & ~mask));
                        arg[o + ow] = top + column + (width & fromBottom);
                    }
                }
        }
    }

    // The horizontal step for eight windows at a time: the left (even) and right (odd) candidates deinterleaved by
    // shuffles, the same choice as the scalar loop below, as vector masks. Returns the windows done.
    private static int Horizontal8(float* values, int* bottom, int outW, int top, int width, float* y, int* arg)
    {
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var twice = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var widthMask = Vector256.Create(width);
        int ow = 0;
        for (; ow + 8 <= outW; ow += 8)
        {
            var v0 = Vector256.Load(values + 2 * ow);
            var v1 = Vector256.Load(values + 2 * ow + 8);
            var b0 = Vector256.Load(bottom + 2 * ow);
            var b1 = Vector256.Load(bottom + 2 * ow + 8);
            var left = Vector256.Create(Vector256.Shuffle(v0, even).GetLower(), Vector256.Shuffle(v1, even).GetLower());
            var right = Vector256.Create(Vector256.Shuffle(v0, odd).GetLower(), Vector256.Shuffle(v1, odd).GetLower());
            var leftBottom = Vector256.Create(Vector256.Shuffle(b0, even).GetLower(), Vector256.Shuffle(b1, even).GetLower());
            var rightBottom = Vector256.Create(Vector256.Shuffle(b0, odd).GetLower(), Vector256.Shuffle(b1, odd).GetLower());
            var takeRight = Vector256.GreaterThan(right, left).AsInt32()
                | (Vector256.Equals(right, left).AsInt32() & ~Vector256.Equals(leftBottom, Vector256<int>.Zero) & Vector256.Equals(rightBottom, Vector256<int>.Zero));
            Vector256.ConditionalSelect(takeRight.AsSingle(), right, left).Store(y + ow);
            var fromBottom = Vector256.ConditionalSelect(takeRight, rightBottom, leftBottom);
            var column = twice + Vector256.Create(top + 2 * ow) + (takeRight & Vector256<int>.One);
            (column + (widthMask & fromBottom)).Store(arg + ow);
        }
        return ow;
    }

    // max, best = value, index when value > max or value is NaN (PyTorch's test, scanning row by row), without a branch:
    // which value wins is data (after ReLU, often a tie of zeros), and a mispredicted branch per value cost more than
    // the comparisons (the convnet's first pooling of 128 samples: 5.8 ms against 8.5-10.6 ms with branches)
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Take(float value, int index, ref float max, ref int best)
    {
        bool take = (value > max) | float.IsNaN(value);
        int mask = -System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref take);
        best = (index & mask) | (best & ~mask);
        max = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(value) & mask) | (BitConverter.SingleToInt32Bits(max) & ~mask));
    }

    internal static void MaxPoolBackward(float* d, int* arg, Window2D w, int first, int count, float* dx)
    {
        int outFeatures = w.Channels * w.Positions;
        new Span<float>(dx + (long)first * w.InputFeatures, count * w.InputFeatures).Clear();
        for (int n = first; n < first + count; n++)
        {
            float* sample = dx + (long)n * w.InputFeatures;
            long o = (long)n * outFeatures;
            for (int f = 0; f < outFeatures; f++) sample[arg[o + f]] += d[o + f];
        }
    }

    internal static void AvgPool(float* x, Window2D w, int first, int count, float* y)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        float scale = 1f / (w.Size * w.Size);
        for (int n = first; n < first + count; n++)
        {
            float* sample = x + (long)n * w.InputFeatures;
            long o = (long)n * outFeatures;
            for (int c = 0; c < w.Channels; c++)
            {
                int channel = c * w.Height * w.Width;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        int top = channel + oh * w.Stride * w.Width + ow * w.Stride;
                        float sum = 0f;
                        for (int i = 0; i < w.Size; i++)
                            for (int j = 0; j < w.Size; j++) sum += sample[top + i * w.Width + j];
                        y[o] = sum * scale;
                    }
            }
        }
    }

    internal static void AvgPoolBackward(float* d, Window2D w, int first, int count, float* dx)
    {
        int outH = w.OutputHeight, outW = w.OutputWidth, outFeatures = w.Channels * w.Positions;
        new Span<float>(dx + (long)first * w.InputFeatures, count * w.InputFeatures).Clear();
        float scale = 1f / (w.Size * w.Size);
        for (int n = first; n < first + count; n++)
        {
            float* sample = dx + (long)n * w.InputFeatures;
            long o = (long)n * outFeatures;
            for (int c = 0; c < w.Channels; c++)
            {
                int channel = c * w.Height * w.Width;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        int top = channel + oh * w.Stride * w.Width + ow * w.Stride;
                        float share = d[o] * scale;
                        for (int i = 0; i < w.Size; i++)
                            for (int j = 0; j < w.Size; j++) sample[top + i * w.Width + j] += share;
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

/// <summary>What one pooling layer of a workspace keeps: the positions of the maxima, and the pass being split over the threads; for generated code.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed unsafe class Pool2DScratch : IPartedWork
{
    private bool _forward, _saveArgMax;
    private Pool2DLayer? _layer;
    private Matrix<float>? _from, _to;

    /// <summary>Buffers for <paramref name="batchSize"/> samples of a pooling (<paramref name="max"/> or average) with <paramref name="outputFeatures"/> outputs per sample.</summary>
    public Pool2DScratch(bool max, int outputFeatures, int batchSize)
    {
        ArgMax = max ? new int[(long)outputFeatures * batchSize] : [];
    }

    /// <summary>Where each maximum of the last forward pass was, as an index into its input sample (max pooling).</summary>
    public int[] ArgMax { get; }

    internal void Begin(bool forward, Pool2DLayer layer, Matrix<float> from, Matrix<float> to, bool saveArgMax = true)
    {
        _forward = forward;
        _saveArgMax = saveArgMax;
        _layer = layer;
        _from = from;
        _to = to;
    }

    void IPartedWork.Run(int part, int parts)
    {
        var (first, last) = ForkJoin.Slice(_from!.ColumnCount, part, parts);
        int count = last - first;
        var w = _layer!.Window;
        fixed (float* from = Gemm.Values(_from), to = Gemm.Values(_to!))
        fixed (int* arg = ArgMax)
        {
            if (_layer.IsMax)
            {
                if (_forward && !_saveArgMax && PoolKernels.HasValuesKernel(w)) PoolKernels.MaxPoolValues(from, w, first, count, to);
                else if (_forward) PoolKernels.MaxPool(from, w, _layer.WindowStarts, first, count, to, arg);
                else PoolKernels.MaxPoolBackward(from, arg, w, first, count, to);
            }
            else if (_forward) PoolKernels.AvgPool(from, w, first, count, to);
            else PoolKernels.AvgPoolBackward(from, w, first, count, to);
        }
    }
}
