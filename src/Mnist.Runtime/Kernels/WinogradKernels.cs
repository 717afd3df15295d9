using System.Runtime.CompilerServices;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// The forward pass of a 3×3 convolution of stride 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2015): each 2×2 block of outputs comes from a 4×4 block of the
/// input through 16 products instead of 36. The input is transformed into 16 planes of tiles (Bᵀ d B), the weights once
/// into 16 matrices (G g Gᵀ, kept until the weights change), every one of the 16 positions is a product over the
/// channels, and the inverse transform (Aᵀ m A) adds the bias, applies the activation and writes the outputs. Over many
/// channels the products dominate and they are 2.25× fewer than a direct convolution's; over one channel the transforms
/// dominate, so <see cref="DirectConvKernels"/> uses this only from <see cref="MinChannels"/> channels on
/// (docs/ARCHITECTURE.md has the measurements). The products are the same kind as the direct kernel's blocks: a
/// broadcast input value serves two vectors of filters, a loaded vector of transformed weights six tiles.
/// </summary>
internal static unsafe class WinogradKernels
{
    /// <summary>The fewest input channels for which the transforms pay (the convnet's conv1 has 1, its conv2 32).</summary>
    internal const int MinChannels = 8;

    // tiles a product takes at once: a row of up to six tiles, each broadcast serving two vectors of filters (12 accumulators)
    private const int TileBlock = 6;

    internal static bool Applies(Window2D w) => w.Size == 3 && w.Stride == 1 && w.Channels >= MinChannels;

    /// <summary>The sizes of one layer's transformed planes.</summary>
    internal readonly record struct Shape(Window2D Window, int Filters)
    {
        public int TileRows => (Window.OutputHeight + 1) / 2;
        public int TileColumns => (Window.OutputWidth + 1) / 2;
        // tile columns in whole blocks; the extra tiles read zeros and are never written out
        public int PaddedTileColumns => (TileColumns + TileBlock - 1) / TileBlock * TileBlock;
        // the zero-padded input plane covers every tile's 4×4 block
        public int PlaneHeight => 2 * TileRows + 2;
        public int PlaneWidth => 2 * PaddedTileColumns + 2;
        // a transformed row: the tiles' four columns side by side, in whole vectors of the widest width
        public int RowLength => (PaddedTileColumns * 4 + 15) / 16 * 16;
        // filters in whole pairs of vectors of the widest width (zero weights past the last)
        public int PaddedFilters => (Filters + 31) / 32 * 32;
        // the transformed weights, then the bias (zero past the last filter)
        public int WeightLength => 16 * Window.Channels * PaddedFilters + PaddedFilters;
        public int InputLength => Window.Channels * TileRows * 4 * RowLength;
        public int PlaneLength => PlaneHeight * PlaneWidth;
        public int RowsLength => PlaneHeight * RowLength;
        public int ProductLength => 16 * TileBlock * 32;
        public int OutputLength => Window.Positions * PaddedFilters;
        // one thread's share: the padded plane, its rows transformed, the transformed input, one block's products, the outputs channels-last
        public int ScratchLength => PlaneLength + RowsLength + InputLength + ProductLength + OutputLength;
    }

    /// <summary>U[ξ][c][k] = (G g Gᵀ)[ξ] of filter k's channel c, then the bias (zero past the last filter).</summary>
    internal static void TransformWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Shape shape, Span<float> transformed)
    {
        int channels = shape.Window.Channels, kp = shape.PaddedFilters;
        transformed.Clear();
        bias.CopyTo(transformed.Slice(16 * channels * kp));
        Span<float> t = stackalloc float[12];
        for (int k = 0; k < shape.Filters; k++)
            for (int c = 0; c < channels; c++)
            {
                var g = weight.Slice((k * channels + c) * 9, 9);
                for (int s = 0; s < 3; s++)
                {
                    float g0 = g[s], g1 = g[3 + s], g2 = g[6 + s];
                    t[s] = g0;
                    t[3 + s] = 0.5f * (g0 + g1 + g2);
                    t[6 + s] = 0.5f * (g0 - g1 + g2);
                    t[9 + s] = g2;
                }
                for (int i = 0; i < 4; i++)
                {
                    float t0 = t[3 * i], t1 = t[3 * i + 1], t2 = t[3 * i + 2];
                    transformed[((4 * i + 0) * channels + c) * kp + k] = t0;
                    transformed[((4 * i + 1) * channels + c) * kp + k] = 0.5f * (t0 + t1 + t2);
                    transformed[((4 * i + 2) * channels + c) * kp + k] = 0.5f * (t0 - t1 + t2);
                    transformed[((4 * i + 3) * channels + c) * kp + k] = t2;
                }
            }
    }

    /// <summary>output[n] = activation(W ⊛ input[n] + b) for samples [first, last), NCHW, from weights transformed by <see cref="TransformWeights"/>.</summary>
    internal static void Forward(float[] input, Shape shape, float[] transformedWeights, Activation activation, float[] output, int first, int last, float[] scratch)
    {
        var kernel = new ForwardKernel(input, shape, transformedWeights, activation, output, first, last, scratch);
        SimdWidth.Run(ref kernel);
    }

    private readonly struct ForwardKernel(float[] input, Shape shape, float[] u, Activation activation, float[] output, int first, int last, float[] scratch) : ISimdKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            var w = shape.Window;
            int filters = shape.Filters, positions = w.Positions;
            fixed (float* x = input, y = output, uw = u, s = scratch)
            {
                float* b = uw + 16 * w.Channels * shape.PaddedFilters;
                float* plane = s, rows = plane + shape.PlaneLength, v = rows + shape.RowsLength, m = v + shape.InputLength, z = m + shape.ProductLength;
                // cleared once: every sample and channel writes the same cells of both, so the plane's padding and the rows past
                // the last tile's columns stay zero
                new Span<float>(plane, shape.PlaneLength).Clear();
                new Span<float>(rows, shape.RowsLength).Clear();
                for (int n = first; n < last; n++)
                {
                    TransformInput<TV>(x + (long)n * w.InputFeatures, shape, plane, rows, v);
                    Products<TV>(shape, uw, v, m, b, activation == Activation.ReLU, z);
                    float* sample = y + (long)n * filters * positions;
                    Transpose(z, shape.PaddedFilters, filters, positions, sample);
                    if (activation != Activation.ReLU)
                        DenseKernels.Activate(new Span<float>(sample, filters * positions), activation);
                }
            }
        }
    }

    // V[c][ty][i][4·tx + j] = (Bᵀ d B)[i][j] of channel c's tile (ty, tx): each input row first, then
    // the columns, a whole row of tiles per vector operation
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput<TV>(float* sample, Shape shape, float* plane, float* rows, float* v) where TV : struct, ISimdVector<TV>
    {
        var w = shape.Window;
        int ph = shape.PlaneHeight, pw = shape.PlaneWidth, length = shape.RowLength, tileRows = shape.TileRows, tiles = shape.PaddedTileColumns;
        var planeSpan = new Span<float>(plane, shape.PlaneLength);
        for (int c = 0; c < w.Channels; c++)
        {
            // each sample and channel overwrites the same cells: the padding around them stays zero (the plane covers every tile: 2 · tiles + 2 ≥ width + 2 · padding)
            for (int r = 0; r < w.Height; r++)
                new ReadOnlySpan<float>(sample + (c * w.Height + r) * w.Width, w.Width).CopyTo(planeSpan.Slice((r + w.Padding) * pw + w.Padding, w.Width));
            for (int r = 0; r < ph; r++)
            {
                float* d = plane + r * pw, h = rows + r * length;
                for (int tx = 0; tx < tiles; tx++, d += 2, h += 4)
                {
                    float d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];
                    h[0] = d0 - d2;
                    h[1] = d1 + d2;
                    h[2] = d2 - d1;
                    h[3] = d1 - d3;
                }
            }
            var minus = TV.Broadcast(-1f);
            for (int ty = 0; ty < tileRows; ty++)
            {
                float* r0 = rows + 2 * ty * length, r1 = r0 + length, r2 = r1 + length, r3 = r2 + length;
                float* o = v + (c * tileRows + ty) * 4 * length;
                for (int q = 0; q < length; q += TV.Count)
                {
                    TV a = TV.Load(r0 + q), bb = TV.Load(r1 + q), cc = TV.Load(r2 + q), dd = TV.Load(r3 + q);
                    TV.Store(TV.MultiplyAdd(minus, cc, a), o + q);
                    TV.Store(TV.Add(bb, cc), o + length + q);
                    TV.Store(TV.MultiplyAdd(minus, bb, cc), o + 2 * length + q);
                    TV.Store(TV.MultiplyAdd(minus, dd, bb), o + 3 * length + q);
                }
            }
        }
    }

    // per pair of vectors of filters and row block of tiles: the 16 products over the channels into m[ξ][tile][filter],
    // then the inverse transform, bias and activation into z[position][filter] (channels last)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products<TV>(Shape shape, float* u, float* v, float* m, float* bias, bool relu, float* z) where TV : struct, ISimdVector<TV>
    {
        var w = shape.Window;
        int c = TV.Count, pair = 2 * c, channels = w.Channels, kp = shape.PaddedFilters, length = shape.RowLength;
        int tileRows = shape.TileRows, tileColumns = shape.TileColumns, outH = w.OutputHeight, outW = w.OutputWidth;
        long channelStride = (long)tileRows * 4 * length;
        var floor = TV.Broadcast(relu ? 0f : float.NegativeInfinity);
        var minus = TV.Broadcast(-1f);
        for (int k0 = 0; k0 < shape.Filters; k0 += pair)
            for (int ty = 0; ty < tileRows; ty++)
                for (int tx0 = 0; tx0 < tileColumns; tx0 += TileBlock)
                {
                    for (int xi = 0; xi < 16; xi++)
                    {
                        int i = xi >> 2, j = xi & 3;
                        float* ux = u + (long)xi * channels * kp + k0;
                        float* vx = v + (ty * 4 + i) * length + tx0 * 4 + j;
                        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero;
                        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero;
                        for (int ch = 0; ch < channels; ch++, ux += kp, vx += channelStride)
                        {
                            TV f = TV.Load(ux), g = TV.Load(ux + c);
                            TV e = TV.Broadcast(vx[0]);
                            a0 = TV.MultiplyAdd(f, e, a0); b0 = TV.MultiplyAdd(g, e, b0);
                            e = TV.Broadcast(vx[4]);
                            a1 = TV.MultiplyAdd(f, e, a1); b1 = TV.MultiplyAdd(g, e, b1);
                            e = TV.Broadcast(vx[8]);
                            a2 = TV.MultiplyAdd(f, e, a2); b2 = TV.MultiplyAdd(g, e, b2);
                            e = TV.Broadcast(vx[12]);
                            a3 = TV.MultiplyAdd(f, e, a3); b3 = TV.MultiplyAdd(g, e, b3);
                            e = TV.Broadcast(vx[16]);
                            a4 = TV.MultiplyAdd(f, e, a4); b4 = TV.MultiplyAdd(g, e, b4);
                            e = TV.Broadcast(vx[20]);
                            a5 = TV.MultiplyAdd(f, e, a5); b5 = TV.MultiplyAdd(g, e, b5);
                        }
                        float* mx = m + xi * TileBlock * pair;
                        TV.Store(a0, mx); TV.Store(b0, mx + c);
                        TV.Store(a1, mx + pair); TV.Store(b1, mx + pair + c);
                        TV.Store(a2, mx + 2 * pair); TV.Store(b2, mx + 2 * pair + c);
                        TV.Store(a3, mx + 3 * pair); TV.Store(b3, mx + 3 * pair + c);
                        TV.Store(a4, mx + 4 * pair); TV.Store(b4, mx + 4 * pair + c);
                        TV.Store(a5, mx + 5 * pair); TV.Store(b5, mx + 5 * pair + c);
                    }
                    int count = Math.Min(TileBlock, tileColumns - tx0);
                    for (int half = 0; half < pair; half += c)
                    {
                        var vb = TV.Load(bias + k0 + half);
                        for (int t = 0; t < count; t++)
                        {
                            float* mt = m + t * pair + half;
                            int stride = TileBlock * pair;
                            // Aᵀ m A with Aᵀ = [1 1 1 0; 0 1 −1 −1]: the rows first, then the columns
                            TV r00 = Row0<TV>(mt, stride, 0), r01 = Row0<TV>(mt, stride, 1), r02 = Row0<TV>(mt, stride, 2), r03 = Row0<TV>(mt, stride, 3);
                            TV r10 = Row1<TV>(mt, stride, 0, minus), r11 = Row1<TV>(mt, stride, 1, minus), r12 = Row1<TV>(mt, stride, 2, minus), r13 = Row1<TV>(mt, stride, 3, minus);
                            int oy = 2 * ty, ox = 2 * (tx0 + t);
                            float* at = z + ((long)oy * outW + ox) * kp + k0 + half;
                            TV.Store(TV.Max(TV.Add(TV.Add(TV.Add(r00, r01), r02), vb), floor), at);
                            bool right = ox + 1 < outW, below = oy + 1 < outH;
                            if (right) TV.Store(TV.Max(TV.Add(TV.MultiplyAdd(minus, TV.Add(r02, r03), r01), vb), floor), at + kp);
                            if (below)
                            {
                                TV.Store(TV.Max(TV.Add(TV.Add(TV.Add(r10, r11), r12), vb), floor), at + (long)outW * kp);
                                if (right) TV.Store(TV.Max(TV.Add(TV.MultiplyAdd(minus, TV.Add(r12, r13), r11), vb), floor), at + (long)(outW + 1) * kp);
                            }
                        }
                    }
                }
    }

    // m0j + m1j + m2j and m1j − m2j − m3j, where mij is at mt + (4i + j) · stride
    private static TV Row0<TV>(float* mt, int stride, int j) where TV : struct, ISimdVector<TV> =>
        TV.Add(TV.Add(TV.Load(mt + j * stride), TV.Load(mt + (4 + j) * stride)), TV.Load(mt + (8 + j) * stride));

    private static TV Row1<TV>(float* mt, int stride, int j, TV minus) where TV : struct, ISimdVector<TV> =>
        TV.MultiplyAdd(minus, TV.Add(TV.Load(mt + (8 + j) * stride), TV.Load(mt + (12 + j) * stride)), TV.Load(mt + (4 + j) * stride));

    // sample[k][p] = z[p][k]: channels last to NCHW
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(float* z, int kp, int filters, int positions, float* sample)
    {
        for (int k = 0; k < filters; k++)
        {
            float* to = sample + (long)k * positions, from = z + k;
            for (int p = 0; p < positions; p++) to[p] = from[(long)p * kp];
        }
    }
}
