using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// A convolution of stride 1 computed directly on NCHW samples: each sample is copied once into zero-padded planes,
/// and an output row is then a contiguous run of a plane read at the patch's offsets — computed on a grid as wide as
/// the padded input, whose extra columns are dropped. No patch matrix, no transposes; bias and activation are applied
/// as the outputs are written. The forward pass takes blocks of eight filters (four below AVX-512) × three vectors of
/// the grid, so that each load of the input serves the block's filters and each broadcast weight three vectors; it is
/// faster than im2col and a BLAS product for the convnet's conv1 and conv2 alike, one image or a batch
/// (docs/ARCHITECTURE.md), and its work items — a sample's block of filters — split over the threads when a split pays
/// (<see cref="Tuning.DirectConvMultiplyAddsPerPart"/>). The weight and bias gradients of a first
/// layer over a small patch (<see cref="MaxPatch"/>) are computed the same way (a first layer passes no error on);
/// any other backward pass goes through <see cref="ConvKernels"/>. A 3×3 layer over many channels (the convnet's conv2) takes its
/// forward pass through <see cref="WinogradKernels"/> instead: 2.25× fewer multiply-adds.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class DirectConvKernels
{
    /// <summary>A first layer over at most this many patch values computes its gradients directly (the generator decides at compile time).</summary>
    public const int MaxPatch = 32;

    /// <summary>Floats of scratch one thread needs for <paramref name="w"/>.</summary>
    internal static int ScratchLength(Window2D w)
    {
        int paddedWidth = w.Width + 2 * w.Padding;
        return PaddedLength(w) + 8 * Round(w.OutputHeight * paddedWidth);
    }

    // the padded planes, read up to one vector past the last wide output at the largest offset
    private static int PaddedLength(Window2D w)
    {
        int pw = w.Width + 2 * w.Padding, ph = w.Height + 2 * w.Padding;
        return w.Channels * ph * pw + Round(w.OutputHeight * pw) + (w.Size - 1) * (pw + 1) + 64;
    }

    // the wide grid in whole blocks of three vectors of the widest width (16 floats); a narrower width's block divides it
    private static int Round(int n) => (n + 47) / 48 * 48;

    // filters per work item: eight where the vector registers hold 24 accumulators (AVX-512: 32 of them), else four
    internal static int FiltersPerBlock => SimdWidth.Floats >= 16 ? 8 : 4;

    internal static int Groups(int filters) => (filters + FiltersPerBlock - 1) / FiltersPerBlock;

    /// <summary>output = activation(W ⊛ input + b) for every sample, split over the threads.</summary>
    public static void Forward(Matrix<float> input, Conv2DLayer layer, Matrix<float> output, DirectConvScratch scratch)
    {
        RequireStride1(layer);
        ConvKernels.Check(input, layer.Window.InputFeatures, output.ColumnCount, nameof(input));
        ConvKernels.Check(output, (long)layer.Filters * layer.Window.Positions, input.ColumnCount, nameof(output));
        scratch.Begin(forward: true, input, layer, output, 0f, 0f, null, null);
        if (scratch.Winograd is { } shape) scratch.TransformWeights(layer, shape);
        ForkJoin.Run(scratch, ForwardParts(input.ColumnCount, layer, scratch));
    }

    /// <summary>
    /// At the start of a forward pass over <paramref name="samples"/>: when this layer's forward pass will split over the
    /// threads, wakes the helpers now, so that they are spinning when its turn comes instead of being woken then (tens of
    /// microseconds on a virtual machine: one image's conv2 split without it made the image slower, 52 -> 62 µs).
    /// </summary>
    public static void Prewake(int samples, Conv2DLayer layer, DirectConvScratch scratch) =>
        ForkJoin.Prewake(ForwardParts(samples, layer, scratch));

    private static int ForwardParts(int samples, Conv2DLayer layer, DirectConvScratch scratch)
    {
        var w = layer.Window;
        long multiplyAdds = scratch.Winograd is { } shape
            ? (long)samples * 16 * w.Channels * shape.PaddedFilters * shape.TileRows * shape.PaddedTileColumns
            : (long)samples * layer.Filters * w.Patch * w.OutputHeight * (w.Width + 2 * w.Padding);
        int items = scratch.Winograd is null ? samples * Groups(layer.Filters) : samples;
        return (int)Math.Clamp(multiplyAdds / Tuning.DirectConvMultiplyAddsPerPart, 1, Math.Max(1, Math.Min(scratch.Parts, items)));
    }

    /// <summary>weightTarget = alpha · dL/dW + beta · weightTarget, and the same for the bias, from delta (d loss / d pre-activation output, NCHW).</summary>
    public static void WeightGradient(Matrix<float> input, Conv2DLayer layer, Matrix<float> delta, float alpha, float beta, float[] weightTarget, float[] biasTarget, DirectConvScratch scratch)
    {
        RequireStride1(layer);
        ConvKernels.Check(delta, (long)layer.Filters * layer.Window.Positions, input.ColumnCount, nameof(delta));
        scratch.Begin(forward: false, input, layer, delta, alpha, beta, weightTarget, biasTarget);
        ForkJoin.Run(scratch, Math.Min(scratch.Parts, ForkJoin.PartsFor(input.ColumnCount)));
        scratch.FinishGradients();
    }

    private static void RequireStride1(Conv2DLayer layer)
    {
        if (layer.Window.Stride != 1) throw new ArgumentException($"'{layer.Name}' has stride {layer.Window.Stride}; the direct kernels take stride 1 (ConvKernels takes any)", nameof(layer));
    }

    internal static void Forward(float[] input, Window2D w, float[] weight, float[] bias, Activation activation, float[] output, int firstItem, int lastItem, float[] scratch)
    {
        var kernel = new ForwardKernel(input, w, weight, bias, activation, output, firstItem, lastItem, scratch);
        SimdWidth.Run(ref kernel);
    }

    internal static void Gradient(float[] input, Window2D w, float[] delta, int outFeatures, int first, int count, float[] sums, int filters, float[] scratch)
    {
        var kernel = new GradientKernel(input, w, delta, outFeatures, first, count, sums, filters, scratch);
        SimdWidth.Run(ref kernel);
    }

    // the zero-padded planes of one sample (Offsets gives the patch's values' places in them)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    // items [firstItem, lastItem) of samples × filter groups: item = sample · groups + group (FiltersPerBlock filters)
    private readonly struct ForwardKernel(float[] input, Window2D w, float[] weight, float[] bias, Activation activation, float[] output, int firstItem, int lastItem, float[] scratch) : ISimdKernel
    {
        // AggressiveOptimization on the kernels of one image's forward pass (here, in WinogradKernels and PoolKernels): fully
        // optimised from the first call in an application that keeps .NET's default tiering, where the first few hundred
        // single-image predictions ran tier-0 code (~1.2 ms each instead of ~50 µs; docs/ARCHITECTURE.md, runtime settings)
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int pw = w.Width + 2 * w.Padding, outH = w.OutputHeight, outW = w.OutputWidth;
            int patch = w.Patch, filters = bias.Length, positions = outH * outW, span = outH * pw, wide = Round(span);
            int paddedLength = PaddedLength(w), block = FiltersPerBlock, groups = Groups(filters);
            Span<int> offsets = stackalloc int[patch];
            Offsets(w, offsets);
            fixed (int* o = offsets)
            fixed (float* x = input, y = output, wt = weight, b = bias, s = scratch)
            {
                float* padded = s, rows = s + paddedLength;
                int paddedSample = -1;
                for (int item = firstItem; item < lastItem; item++)
                {
                    int n = item / groups, f0 = item % groups * block, count = Math.Min(block, filters - f0);
                    if (n != paddedSample) Pad(x + (long)n * w.InputFeatures, w, padded, paddedLength);
                    paddedSample = n;
                    if (block == 8) Block8<TV>(padded, o, patch, span, wt, f0, filters, rows, wide);
                    else Block4<TV>(padded, o, patch, span, wt, f0, filters, rows, wide);
                    for (int k = 0; k < count; k++)
                    {
                        float* plane = y + (long)n * filters * positions + (long)(f0 + k) * positions, row = rows + k * wide;
                        BiasRows<TV>(row, pw, b[f0 + k], plane, outW, outH, activation == Activation.ReLU);
                        if (activation != Activation.ReLU) DenseKernels.Activate(new Span<float>(plane, positions), activation);
                    }
                }
            }
        }
    }

    // plane[oh · outW + ow] = row[oh · pw + ow] + bias (and ReLU, in the same pass): the wide grid's rows without their
    // extra columns; a row's last vector overlaps the one before it (it writes the same sums again) instead of a scalar
    // tail (a call per row cost ~4 µs of one image's conv1)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BiasRows<TV>(float* row, int pw, float bias, float* plane, int outW, int outH, bool relu) where TV : struct, ISimdVector<TV>
    {
        int c = TV.Count;
        var vBias = TV.Broadcast(bias);
        var floor = TV.Broadcast(relu ? 0f : float.NegativeInfinity);
        for (int oh = 0; oh < outH; oh++)
        {
            float* src = row + oh * pw, dst = plane + oh * outW;
            if (outW < c)
            {
                for (int j = 0; j < outW; j++) dst[j] = relu ? MathF.Max(src[j] + bias, 0f) : src[j] + bias;
                continue;
            }
            for (int j = 0; ; j += c)
            {
                int at = Math.Min(j, outW - c);
                TV.Store(TV.Max(TV.Add(TV.Load(src + at), vBias), floor), dst + at);
                if (at == outW - c) break;
            }
        }
    }

    // filters [f0, f0 + 4) (the last repeated past the end) × the wide grid, three vectors at a time: each broadcast weight
    // serves three vectors, each load four filters (12 accumulators: AVX2's 16 registers hold them)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4<TV>(float* padded, int* o, int patch, int span, float* wt, int f0, int filters, float* rows, int wide) where TV : struct, ISimdVector<TV>
    {
        int c = TV.Count;
        float* w0 = wt + f0 * patch, w1 = wt + Math.Min(f0 + 1, filters - 1) * patch, w2 = wt + Math.Min(f0 + 2, filters - 1) * patch, w3 = wt + Math.Min(f0 + 3, filters - 1) * patch;
        for (int q = 0; q < span; q += 3 * c)
        {
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
            TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero;
            float* src = padded + q;
            for (int t = 0; t < patch; t++)
            {
                float* at = src + o[t];
                TV u = TV.Load(at), v = TV.Load(at + c), z = TV.Load(at + 2 * c);
                TV k = TV.Broadcast(w0[t]);
                a0 = TV.MultiplyAdd(k, u, a0); b0 = TV.MultiplyAdd(k, v, b0); c0 = TV.MultiplyAdd(k, z, c0);
                k = TV.Broadcast(w1[t]);
                a1 = TV.MultiplyAdd(k, u, a1); b1 = TV.MultiplyAdd(k, v, b1); c1 = TV.MultiplyAdd(k, z, c1);
                k = TV.Broadcast(w2[t]);
                a2 = TV.MultiplyAdd(k, u, a2); b2 = TV.MultiplyAdd(k, v, b2); c2 = TV.MultiplyAdd(k, z, c2);
                k = TV.Broadcast(w3[t]);
                a3 = TV.MultiplyAdd(k, u, a3); b3 = TV.MultiplyAdd(k, v, b3); c3 = TV.MultiplyAdd(k, z, c3);
            }
            float* r = rows + q;
            TV.Store(a0, r); TV.Store(b0, r + c); TV.Store(c0, r + 2 * c);
            TV.Store(a1, r + wide); TV.Store(b1, r + wide + c); TV.Store(c1, r + wide + 2 * c);
            TV.Store(a2, r + 2 * wide); TV.Store(b2, r + 2 * wide + c); TV.Store(c2, r + 2 * wide + 2 * c);
            TV.Store(a3, r + 3 * wide); TV.Store(b3, r + 3 * wide + c); TV.Store(c3, r + 3 * wide + 2 * c);
        }
    }

    // filters [f0, f0 + 8) as Block4: 24 accumulators, for AVX-512's 32 registers (fewer loads per multiply-add)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8<TV>(float* padded, int* o, int patch, int span, float* wt, int f0, int filters, float* rows, int wide) where TV : struct, ISimdVector<TV>
    {
        int c = TV.Count;
        float* w0 = wt + f0 * patch, w1 = wt + Math.Min(f0 + 1, filters - 1) * patch, w2 = wt + Math.Min(f0 + 2, filters - 1) * patch, w3 = wt + Math.Min(f0 + 3, filters - 1) * patch;
        float* w4 = wt + Math.Min(f0 + 4, filters - 1) * patch, w5 = wt + Math.Min(f0 + 5, filters - 1) * patch, w6 = wt + Math.Min(f0 + 6, filters - 1) * patch, w7 = wt + Math.Min(f0 + 7, filters - 1) * patch;
        for (int q = 0; q < span; q += 3 * c)
        {
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
            TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
            TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero, c4 = TV.Zero, c5 = TV.Zero, c6 = TV.Zero, c7 = TV.Zero;
            float* src = padded + q;
            for (int t = 0; t < patch; t++)
            {
                float* at = src + o[t];
                TV u = TV.Load(at), v = TV.Load(at + c), z = TV.Load(at + 2 * c);
                TV k = TV.Broadcast(w0[t]);
                a0 = TV.MultiplyAdd(k, u, a0); b0 = TV.MultiplyAdd(k, v, b0); c0 = TV.MultiplyAdd(k, z, c0);
                k = TV.Broadcast(w1[t]);
                a1 = TV.MultiplyAdd(k, u, a1); b1 = TV.MultiplyAdd(k, v, b1); c1 = TV.MultiplyAdd(k, z, c1);
                k = TV.Broadcast(w2[t]);
                a2 = TV.MultiplyAdd(k, u, a2); b2 = TV.MultiplyAdd(k, v, b2); c2 = TV.MultiplyAdd(k, z, c2);
                k = TV.Broadcast(w3[t]);
                a3 = TV.MultiplyAdd(k, u, a3); b3 = TV.MultiplyAdd(k, v, b3); c3 = TV.MultiplyAdd(k, z, c3);
                k = TV.Broadcast(w4[t]);
                a4 = TV.MultiplyAdd(k, u, a4); b4 = TV.MultiplyAdd(k, v, b4); c4 = TV.MultiplyAdd(k, z, c4);
                k = TV.Broadcast(w5[t]);
                a5 = TV.MultiplyAdd(k, u, a5); b5 = TV.MultiplyAdd(k, v, b5); c5 = TV.MultiplyAdd(k, z, c5);
                k = TV.Broadcast(w6[t]);
                a6 = TV.MultiplyAdd(k, u, a6); b6 = TV.MultiplyAdd(k, v, b6); c6 = TV.MultiplyAdd(k, z, c6);
                k = TV.Broadcast(w7[t]);
                a7 = TV.MultiplyAdd(k, u, a7); b7 = TV.MultiplyAdd(k, v, b7); c7 = TV.MultiplyAdd(k, z, c7);
            }
            float* r = rows + q;
            TV.Store(a0, r); TV.Store(b0, r + c); TV.Store(c0, r + 2 * c);
            TV.Store(a1, r + wide); TV.Store(b1, r + wide + c); TV.Store(c1, r + wide + 2 * c);
            TV.Store(a2, r + 2 * wide); TV.Store(b2, r + 2 * wide + c); TV.Store(c2, r + 2 * wide + 2 * c);
            TV.Store(a3, r + 3 * wide); TV.Store(b3, r + 3 * wide + c); TV.Store(c3, r + 3 * wide + 2 * c);
            TV.Store(a4, r + 4 * wide); TV.Store(b4, r + 4 * wide + c); TV.Store(c4, r + 4 * wide + 2 * c);
            TV.Store(a5, r + 5 * wide); TV.Store(b5, r + 5 * wide + c); TV.Store(c5, r + 5 * wide + 2 * c);
            TV.Store(a6, r + 6 * wide); TV.Store(b6, r + 6 * wide + c); TV.Store(c6, r + 6 * wide + 2 * c);
            TV.Store(a7, r + 7 * wide); TV.Store(b7, r + 7 * wide + c); TV.Store(c7, r + 7 * wide + 2 * c);
        }
    }

    // Sums are kept lane by lane (SumLanes floats each, so any width fits) and totalled once, in FinishGradients: a
    // horizontal total per (filter, patch value) of every sample cost a third of the multiply-adds' time.
    internal const int SumLanes = 16;

    // sums[(f · patch + t) · SumLanes + lane] += dL/dW[f, t], sums[(filters · patch + f) · SumLanes + lane] += dL/db[f], over samples
    // [first, first + count): per sample and block of four filters, their delta planes go into rows of the wide grid, then
    // three patch values at a time each load of a row serves three multiply-adds and each load of the input four (12
    // accumulators; four filters × one patch value had five loads per four multiply-adds)
    private readonly struct GradientKernel(float[] input, Window2D w, float[] delta, int outFeatures, int first, int count, float[] sums, int filters, float[] scratch) : ISimdKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int c = TV.Count, pw = w.Width + 2 * w.Padding, outH = w.OutputHeight, outW = w.OutputWidth;
            int patch = w.Patch, positions = outH * outW, span = outH * pw, wide = Round(span);
            int paddedLength = PaddedLength(w);
            Span<int> offsets = stackalloc int[patch];
            Offsets(w, offsets);
            fixed (float* x = input, d = delta, s = scratch, sum = sums)
            {
                float* padded = s, r0 = s + paddedLength, r1 = r0 + wide, r2 = r1 + wide, r3 = r2 + wide;
                new Span<float>(r0, 4 * wide).Clear(); // the extra columns stay zero: they add nothing
                for (int n = first; n < first + count; n++)
                {
                    Pad(x + (long)n * w.InputFeatures, w, padded, paddedLength);
                    for (int f0 = 0; f0 < filters; f0 += 4)
                    {
                        int group = Math.Min(4, filters - f0);
                        for (int k = 0; k < 4; k++)
                        {
                            float* row = r0 + k * wide;
                            if (k >= group) { new Span<float>(row, wide).Clear(); continue; }
                            float* plane = d + (long)n * outFeatures + (long)(f0 + k) * positions;
                            for (int oh = 0; oh < outH; oh++) SimdRows.Copy<TV>(plane + oh * outW, row + oh * pw, outW);
                            TV total = TV.Zero;
                            for (int q = 0; q < span; q += c) total = TV.Add(total, TV.Load(row + q));
                            AddTo(sum + (filters * patch + f0 + k) * SumLanes, total);
                        }
                        for (int t0 = 0; t0 < patch; t0 += 3)
                        {
                            // a patch of 3k + 1 or 3k + 2 values repeats its last: computed, never added
                            float* s0 = padded + offsets[t0], s1 = padded + offsets[Math.Min(t0 + 1, patch - 1)], s2 = padded + offsets[Math.Min(t0 + 2, patch - 1)];
                            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero;
                            TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, e0 = TV.Zero, e1 = TV.Zero, e2 = TV.Zero;
                            for (int q = 0; q < span; q += c)
                            {
                                TV x0 = TV.Load(s0 + q), x1 = TV.Load(s1 + q), x2 = TV.Load(s2 + q);
                                TV r = TV.Load(r0 + q);
                                a0 = TV.MultiplyAdd(r, x0, a0); a1 = TV.MultiplyAdd(r, x1, a1); a2 = TV.MultiplyAdd(r, x2, a2);
                                r = TV.Load(r1 + q);
                                b0 = TV.MultiplyAdd(r, x0, b0); b1 = TV.MultiplyAdd(r, x1, b1); b2 = TV.MultiplyAdd(r, x2, b2);
                                r = TV.Load(r2 + q);
                                c0 = TV.MultiplyAdd(r, x0, c0); c1 = TV.MultiplyAdd(r, x1, c1); c2 = TV.MultiplyAdd(r, x2, c2);
                                r = TV.Load(r3 + q);
                                e0 = TV.MultiplyAdd(r, x0, e0); e1 = TV.MultiplyAdd(r, x1, e1); e2 = TV.MultiplyAdd(r, x2, e2);
                            }
                            int taps = Math.Min(3, patch - t0);
                            AddTaps(sum + (f0 * patch + t0) * SumLanes, taps, a0, a1, a2);
                            if (group > 1) AddTaps(sum + ((f0 + 1) * patch + t0) * SumLanes, taps, b0, b1, b2);
                            if (group > 2) AddTaps(sum + ((f0 + 2) * patch + t0) * SumLanes, taps, c0, c1, c2);
                            if (group > 3) AddTaps(sum + ((f0 + 3) * patch + t0) * SumLanes, taps, e0, e1, e2);
                        }
                    }
                }
            }
        }

        private static void AddTaps<TV>(float* at, int taps, TV t0, TV t1, TV t2) where TV : struct, ISimdVector<TV>
        {
            AddTo(at, t0);
            if (taps > 1) AddTo(at + SumLanes, t1);
            if (taps > 2) AddTo(at + 2 * SumLanes, t2);
        }

        private static void AddTo<TV>(float* at, TV v) where TV : struct, ISimdVector<TV> => TV.Store(TV.Add(TV.Load(at), v), at);
    }
}

/// <summary>Per thread, the padded planes, output rows and gradient sums of one directly computed convolution of a workspace; for generated code.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class DirectConvScratch : IPartedWork
{
    private readonly float[][] _scratch, _sums;
    private readonly float[][] _winogradScratch = [];
    // the weights and bias last transformed, bit for bit, and their transform
    private readonly float[] _transformedFrom = [], _transformed = [];
    private bool _transformedOnce;
    private bool _forward;
    private Matrix<float>? _input, _other;
    private Conv2DLayer? _layer;
    private float _alpha, _beta;
    private float[]? _weightTarget, _biasTarget;

    /// <summary>Buffers for a convolution over <paramref name="window"/> with <paramref name="filters"/> outputs.</summary>
    public DirectConvScratch(Window2D window, int filters)
    {
        int threads = Math.Max(1, Gemm.Threads);
        _scratch = Enumerable.Range(0, threads).Select(_ => new float[DirectConvKernels.ScratchLength(window)]).ToArray();
        _sums = Enumerable.Range(0, threads).Select(_ => new float[(filters * window.Patch + filters) * DirectConvKernels.SumLanes]).ToArray();
        if (!WinogradKernels.Applies(window)) return;
        var shape = new WinogradKernels.Shape(window, filters);
        Winograd = shape;
        _winogradScratch = Enumerable.Range(0, threads).Select(_ => new float[shape.ScratchLength]).ToArray();
        _transformedFrom = new float[filters * window.Patch + filters];
        _transformed = new float[shape.WeightLength];
    }

    /// <summary>The forward pass's shapes when it goes through <see cref="WinogradKernels"/>, else null.</summary>
    internal WinogradKernels.Shape? Winograd { get; }

    // the weights change at every training step and stay for inference: transformed again only when they differ from the last ones (a bitwise comparison, ~1 µs for conv2)
    internal void TransformWeights(Conv2DLayer layer, WinogradKernels.Shape shape)
    {
        var weight = Gemm.Values(layer.Weight).AsSpan(0, _transformedFrom.Length - layer.Filters);
        var bias = Gemm.Values(layer.Bias).AsSpan(0, layer.Filters);
        var from = _transformedFrom.AsSpan();
        if (_transformedOnce
            && MemoryMarshal.Cast<float, int>(weight).SequenceEqual(MemoryMarshal.Cast<float, int>(from[..weight.Length]))
            && MemoryMarshal.Cast<float, int>(bias).SequenceEqual(MemoryMarshal.Cast<float, int>(from[weight.Length..]))) return;
        weight.CopyTo(from);
        bias.CopyTo(from[weight.Length..]);
        WinogradKernels.TransformWeights(weight, bias, shape, _transformed);
        _transformedOnce = true;
    }

    // the buffers were made for the threads of the backend at the time: never more parts than that
    internal int Parts => _scratch.Length;

    internal void Begin(bool forward, Matrix<float> input, Conv2DLayer layer, Matrix<float> other, float alpha, float beta, float[]? weightTarget, float[]? biasTarget)
    {
        _forward = forward;
        _input = input;
        _layer = layer;
        _other = other;
        _alpha = alpha;
        _beta = beta;
        _weightTarget = weightTarget;
        _biasTarget = biasTarget;
        // every part's sums start at zero, also those of parts that will not run (a split done inline runs part 0 alone)
        if (!forward) foreach (var sums in _sums) Array.Clear(sums);
    }

    void IPartedWork.Run(int part, int parts)
    {
        var layer = _layer!;
        if (_forward && Winograd is { } shape)
        {
            var (first, last) = ForkJoin.Slice(_input!.ColumnCount, part, parts);
            WinogradKernels.Forward(Gemm.Values(_input), shape, _transformed, layer.Activation, Gemm.Values(_other!), first, last, _winogradScratch[part]);
            return;
        }
        if (_forward)
        {
            var (firstItem, lastItem) = ForkJoin.Slice(_input!.ColumnCount * DirectConvKernels.Groups(layer.Filters), part, parts);
            DirectConvKernels.Forward(Gemm.Values(_input), layer.Window, Gemm.Values(layer.Weight), Gemm.Values(layer.Bias), layer.Activation, Gemm.Values(_other!), firstItem, lastItem, _scratch[part]);
            return;
        }
        var (firstSample, lastSample) = ForkJoin.Slice(_input!.ColumnCount, part, parts);
        int count = lastSample - firstSample;
        DirectConvKernels.Gradient(Gemm.Values(_input), layer.Window, Gemm.Values(_other!), _other!.RowCount, firstSample, count, _sums[part], layer.Filters, _scratch[part]);
    }

    // target = alpha · Σ parts + beta · target (the parts that ran; an idle part's sums are zero)
    internal void FinishGradients()
    {
        int weights = _weightTarget!.Length;
        for (int i = 0; i < weights + _biasTarget!.Length; i++)
        {
            float total = 0f;
            foreach (var sums in _sums)
                for (int lane = 0; lane < DirectConvKernels.SumLanes; lane++) total += sums[i * DirectConvKernels.SumLanes + lane];
            ref float target = ref i < weights ? ref _weightTarget[i] : ref _biasTarget[i - weights];
            target = _alpha * total + (_beta == 0 ? 0f : _beta * target);
        }
    }
}
