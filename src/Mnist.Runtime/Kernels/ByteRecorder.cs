using System.Numerics;

namespace Mnist.Kernels;

/// <summary>
/// Records a batch of byte images into a <see cref="SparsePattern"/> sample by sample, straight from the
/// bytes (no float matrix), and lays its nonzeros out feature by feature too without a sort. Features
/// come in groups of 32 and samples in words of 32: <c>_groupMasks[(group · words + word) · 32 + lane]</c>
/// holds the nonzero bits of the group's features in sample <c>word · 32 + lane</c>, and
/// <c>_groupStart[sample · groups + group]</c> where the group's nonzeros begin in the sample's list.
/// <see cref="End"/> transposes each 32 × 32 block of bits to find every feature's samples in order,
/// and their values in the samples' lists.
/// </summary>
internal sealed unsafe class ByteRecorder
{
    private readonly int _features, _groups, _sampleWords;
    private readonly uint[] _groupMasks, _transposed;
    private readonly int[] _groupStart;

    /// <summary>A recorder for batches of up to <paramref name="capacity"/> samples of <paramref name="features"/> bytes.</summary>
    public ByteRecorder(int features, int capacity)
    {
        _features = features;
        _groups = (features + 31) / 32;
        _sampleWords = (capacity + 31) / 32;
        _groupMasks = new uint[_groups * _sampleWords * 32];
        _groupStart = new int[capacity * _groups];
        _transposed = new uint[_sampleWords * 32];
    }

    /// <summary>Starts a batch in <paramref name="pattern"/>.</summary>
    public void Begin(SparsePattern pattern)
    {
        if (pattern.Dense is not null) throw new InvalidOperationException("a pattern with dense features is analysed from floats only");
        if (pattern.Features != _features || (pattern.Capacity + 31) / 32 > _sampleWords)
            throw new ArgumentException($"a pattern of {pattern.Features} features and {pattern.Capacity} samples for a recorder of {_features} and {_sampleWords * 32}", nameof(pattern));
        pattern.Samples = 0;
        pattern.IsSparse = false;
        pattern.HasRows = false;
        pattern.ColumnStart[0] = 0;
        Array.Clear(_groupMasks);
    }

    /// <summary>
    /// Records the next sample, given as bytes whose values are <paramref name="levels"/>[byte] (a zero byte
    /// must stand for 0). False, and the batch is dense, once its nonzeros exceed the pattern's capacity.
    /// </summary>
    public bool Add(SparsePattern pattern, ReadOnlySpan<byte> pixels, ReadOnlySpan<float> levels)
    {
        if (pixels.Length != _features) throw new ArgumentException($"{pixels.Length} inputs for a pattern of {_features}", nameof(pixels));
        if (levels.Length < 256) throw new ArgumentException("a level for every byte value is needed", nameof(levels));
        int sample = pattern.Samples;
        if (sample == pattern.Capacity) throw new InvalidOperationException($"this pattern holds batches of at most {sample} samples");
        int at = pattern.ColumnStart[sample];
        if (at + _features > pattern.EntryCapacity)
        {
            int nonzero = _features - pixels.Count((byte)0);
            if (at + nonzero > pattern.EntryCapacity) return false;
        }
        fixed (byte* start = pixels)
        fixed (float* level = levels)
        fixed (int* index = pattern.Index, groupStart = &_groupStart[sample * _groups])
        fixed (float* value = pattern.Value)
        fixed (uint* groupMasks = &_groupMasks[(sample >> 5) * 32 + (sample & 31)])
        {
            int count = at;
            for (int g = 0, p = 0; p < _features; g++, p += 32)
            {
                uint mask = p + 32 <= _features ? NonzeroMasks.Bytes32(start + p) : NonzeroMasks.BytesTail(start + p, _features - p);
                groupMasks[g * _sampleWords * 32] = mask;
                groupStart[g] = count;
                while (mask != 0)
                {
                    int feature = p + BitOperations.TrailingZeroCount(mask);
                    index[count] = feature;
                    value[count++] = level[start[feature]];
                    mask &= mask - 1;
                }
            }
            pattern.ColumnStart[++pattern.Samples] = count;
        }
        return true;
    }

    /// <summary>Ends a batch every sample of which fitted, and builds its feature-by-feature lists (when the pattern keeps them) from the bit masks.</summary>
    public void End(SparsePattern pattern)
    {
        pattern.IsSparse = true;
        if (!pattern.KeepsRows) return;
        int count = 0;
        fixed (uint* groupMasks = _groupMasks, transposed = _transposed)
        fixed (int* groupStart = _groupStart, rowStart = pattern.RowStart, rowColumn = pattern.RowColumn)
        fixed (float* value = pattern.Value, rowValue = pattern.RowValue)
        {
            for (int g = 0; g < _groups; g++)
            {
                uint* masks = groupMasks + g * _sampleWords * 32;
                // transposed[word * 32 + i]: bit lane set when sample word * 32 + lane has feature 32g + i nonzero
                new Span<uint>(masks, _sampleWords * 32).CopyTo(new Span<uint>(transposed, _sampleWords * 32));
                for (int w = 0; w < _sampleWords; w++) Transpose32(transposed + w * 32);
                for (int i = 0; i < 32 && g * 32 + i < _features; i++)
                {
                    rowStart[g * 32 + i] = count;
                    uint below = (1u << i) - 1;
                    for (int w = 0; w < _sampleWords; w++)
                    {
                        uint samples = transposed[w * 32 + i];
                        while (samples != 0)
                        {
                            int lane = BitOperations.TrailingZeroCount(samples), sample = w * 32 + lane;
                            // the feature's place in the sample's list: the group's start plus the group's nonzeros before it
                            int at = groupStart[sample * _groups + g] + BitOperations.PopCount(masks[w * 32 + lane] & below);
                            rowColumn[count] = sample;
                            rowValue[count++] = value[at];
                            samples &= samples - 1;
                        }
                    }
                }
            }
            rowStart[_features] = count;
        }
        pattern.HasRows = true;
    }

    /// <summary>Transposes a 32 × 32 bit matrix in place: bit c of word r goes to bit r of word c.</summary>
    internal static void Transpose32(uint* a)
    {
        uint m = 0x0000FFFF;
        for (int j = 16; j != 0; j >>= 1, m ^= m << j)
        {
            for (int k = 0; k < 32; k = (k + j + 1) & ~j)
            {
                uint t = ((a[k] >> j) ^ a[k + j]) & m;
                a[k] ^= t << j;
                a[k + j] ^= t;
            }
        }
    }
}
