using System.ComponentModel;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// The buffers one convolution of a workspace computes in (<see cref="ConvKernels.Forward"/>, <see cref="ConvKernels.Backward"/>):
/// per thread, a chunk's patch matrix (its patches' error in backward), the chunk's product (output or delta), and the
/// thread's sums of the weight and bias gradients. Made once with the workspace, so that a pass allocates nothing; for generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class Conv2DScratch : IPartedWork
{
    internal enum Pass { Forward, Backward }

    private readonly Part[] _parts;
    private readonly int _chunks;

    // the pass being run (set by Begin, read by every part)
    private Pass _pass;
    private Matrix<float>? _input, _output, _delta, _inputDelta;
    private Conv2DLayer? _layer;
    private float _alpha, _beta;
    private float[]? _weightTarget, _biasTarget;

    /// <summary>Buffers for <paramref name="batchSize"/> samples through <paramref name="window"/> with <paramref name="filters"/> outputs.</summary>
    public Conv2DScratch(Window2D window, int filters, int batchSize)
    {
        BatchSize = batchSize;
        ChunkSamples = Math.Min(batchSize, Chunk(window.Patch, window.Positions));
        _chunks = (batchSize + ChunkSamples - 1) / ChunkSamples;
        PartCount = Math.Max(1, Math.Min(Gemm.Threads, _chunks));
        int columns = ChunkSamples * window.Positions;
        _wide = window.Stride == 1;
        int wideColumns = _wide ? ChunkSamples * WidePositions(window) : 0;
        // the patch matrix also takes the patches' error in backward (after the weight gradient has used the patches)
        _parts = Enumerable.Range(0, PartCount).Select(_ => new Part(
            new float[(long)window.Patch * Math.Max(columns, wideColumns)], new float[(long)filters * columns], new float[window.Patch * filters], new float[filters],
            new float[(long)filters * wideColumns], new float[_wide && window.Padding > 0 ? window.Channels * (window.Height + 2 * window.Padding) * (window.Width + 2 * window.Padding) : 0])).ToArray();
    }

    /// <summary>
    /// Positions of a stride-1 window's wide grid: its output rows as wide as the padded input. Backward, such a layer's
    /// error goes through the product on that grid (the extra columns' delta zero), so that putting a patch value's error
    /// back is one contiguous run per sample instead of a run per output row (col2im's 11-float rows cost a sixth of conv2's backward).
    /// </summary>
    public static int WidePositions(Window2D window) => window.OutputHeight * (window.Width + 2 * window.Padding);

    private readonly bool _wide;

    /// <summary>Samples per chunk for a patch of <paramref name="patch"/> values at <paramref name="positions"/> positions (<see cref="Tuning.ConvChunkFloats"/>).</summary>
    public static int Chunk(int patch, int positions) => Math.Max(1, Tuning.ConvChunkFloats / Math.Max(1, patch * positions));

    /// <summary>The batch the buffers are for.</summary>
    public int BatchSize { get; }

    /// <summary>Samples per chunk.</summary>
    public int ChunkSamples { get; }

    /// <summary>Threads the chunks are split over.</summary>
    public int PartCount { get; }

    internal void Begin(Pass pass, Matrix<float> input, Conv2DLayer layer, Matrix<float>? output, Matrix<float>? delta, Matrix<float>? inputDelta,
        float alpha, float beta, float[]? weightTarget, float[]? biasTarget)
    {
        _pass = pass;
        _input = input;
        _layer = layer;
        _output = output;
        _delta = delta;
        _inputDelta = inputDelta;
        _alpha = alpha;
        _beta = beta;
        _weightTarget = weightTarget;
        _biasTarget = biasTarget;
        // every part's sums start at zero, also those of parts that will not run (a split done inline runs part 0 alone)
        if (pass == Pass.Backward)
            foreach (var part in _parts)
            {
                Array.Clear(part.WeightSum);
                Array.Clear(part.BiasSum);
            }
    }

    void IPartedWork.Run(int part, int parts)
    {
        var (firstChunk, lastChunk) = ForkJoin.Slice(_chunks, part, parts);
        var buffers = _parts[part];
        if (_pass == Pass.Forward) ForwardChunks(buffers, firstChunk, lastChunk);
        else BackwardChunks(buffers, firstChunk, lastChunk);
    }

    private void ForwardChunks(Part p, int firstChunk, int lastChunk)
    {
        var layer = _layer!;
        var w = layer.Window;
        int filters = layer.Filters, positions = w.Positions, patch = w.Patch;
        var weight = Gemm.Values(layer.Weight);
        var bias = Gemm.Values(layer.Bias);
        fixed (float* x = Gemm.Values(_input!), y = Gemm.Values(_output!), cols = p.Columns, result = p.Result)
            for (int chunk = firstChunk; chunk < lastChunk; chunk++)
            {
                int first = chunk * ChunkSamples, count = Math.Min(ChunkSamples, BatchSize - first), n = count * positions;
                ConvKernels.Im2Col(x, w, first, count, cols);
                ConvKernels.Multiply(false, false, 1f, p.Columns, n, patch, weight, patch, filters, 0f, p.Result);
                // result[f · n + s · positions + p]: each sample's channel plane is a run; bias added on the way to NCHW
                for (int s = 0; s < count; s++)
                {
                    float* sample = y + (long)(first + s) * filters * positions;
                    for (int f = 0; f < filters; f++)
                        System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>(result + (long)f * n + s * positions, positions), bias[f],
                            new Span<float>(sample + f * positions, positions));
                }
                DenseKernels.Activate(new Span<float>(y + (long)first * filters * positions, count * filters * positions), layer.Activation);
            }
    }

    private void BackwardChunks(Part p, int firstChunk, int lastChunk)
    {
        var layer = _layer!;
        var w = layer.Window;
        int filters = layer.Filters, positions = w.Positions, patch = w.Patch;
        var weight = Gemm.Values(layer.Weight);
        fixed (float* x = Gemm.Values(_input!), d = Gemm.Values(_delta!), cols = p.Columns, result = p.Result)
            for (int chunk = firstChunk; chunk < lastChunk; chunk++)
            {
                int first = chunk * ChunkSamples, count = Math.Min(ChunkSamples, BatchSize - first), n = count * positions;
                ConvKernels.Im2Col(x, w, first, count, cols);
                // the delta in the product's layout: f · n + s · positions + p
                for (int s = 0; s < count; s++)
                {
                    float* sample = d + (long)(first + s) * filters * positions;
                    for (int f = 0; f < filters; f++)
                        new ReadOnlySpan<float>(sample + f * positions, positions).CopyTo(new Span<float>(result + (long)f * n + s * positions, positions));
                }
                // dWᵀ (out × patch) += deltaᵀ · columns; the bias gradient: each channel's sum
                ConvKernels.Multiply(true, false, 1f, p.Result, n, filters, p.Columns, n, patch, 1f, p.WeightSum);
                for (int f = 0; f < filters; f++) p.BiasSum[f] += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<float>(result + (long)f * n, n));
                if (_inputDelta is null) continue;
                if (_wide)
                {
                    int nw = count * WidePositions(w);
                    fixed (float* wd = p.WideDelta, dx = Gemm.Values(_inputDelta), padded = p.Padded)
                    {
                        WideDelta(layer, d, first, count, wd);
                        ConvKernels.Multiply(false, true, 1f, p.WideDelta, nw, filters, weight, patch, filters, 0f, p.Columns);
                        ConvKernels.Col2ImWide(cols, w, first, count, dx, padded);
                    }
                    continue;
                }
                ConvKernels.Multiply(false, true, 1f, p.Result, n, filters, weight, patch, filters, 0f, p.Columns);
                fixed (float* dx = Gemm.Values(_inputDelta))
                    ConvKernels.Col2Im(cols, w, first, count, dx);
            }
    }

    // the chunk's delta on the wide grid, wd[f · nw + s · widePositions + oh · paddedWidth + ow]; the extra columns are
    // never written, so they stay zero: nw and widePositions are multiples of paddedWidth, so whatever the chunk's size the
    // extra columns are the indices whose remainder by paddedWidth is outW or more
    private static void WideDelta(Conv2DLayer layer, float* d, int first, int count, float* wd)
    {
        var w = layer.Window;
        int filters = layer.Filters, positions = w.Positions, outH = w.OutputHeight, outW = w.OutputWidth, pw = w.Width + 2 * w.Padding;
        int wide = WidePositions(w), nw = count * wide;
        for (int s = 0; s < count; s++)
        {
            float* sample = d + (long)(first + s) * filters * positions;
            for (int f = 0; f < filters; f++)
                for (int oh = 0; oh < outH; oh++)
                    new ReadOnlySpan<float>(sample + f * positions + oh * outW, outW).CopyTo(new Span<float>(wd + (long)f * nw + s * wide + oh * pw, outW));
        }
    }

    // target = alpha · Σ parts + beta · target, once every part is done
    internal void FinishGradients()
    {
        // each part's weight sums are out × patch (the product's layout); the target is the weight's patch × out
        int filters = _biasTarget!.Length, patch = _weightTarget!.Length / filters;
        var weights = _weightTarget;
        for (int f = 0; f < filters; f++)
            for (int k = 0; k < patch; k++)
            {
                float total = 0f;
                foreach (var part in _parts) total += part.WeightSum[k * filters + f];
                ref float target = ref weights[f * patch + k];
                target = _alpha * total + (_beta == 0 ? 0f : _beta * target);
            }
        for (int f = 0; f < filters; f++)
        {
            float total = 0f;
            foreach (var part in _parts) total += part.BiasSum[f];
            _biasTarget[f] = _alpha * total + (_beta == 0 ? 0f : _beta * _biasTarget[f]);
        }
    }

    // WideDelta, Padded: a stride-1 layer's delta on the wide grid, and one sample's padded planes (padding > 0)
    private sealed record Part(float[] Columns, float[] Result, float[] WeightSum, float[] BiasSum, float[] WideDelta, float[] Padded);
}
