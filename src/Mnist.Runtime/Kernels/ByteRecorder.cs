using System.Numerics;

namespace Mnist.Kernels;

/// <summary>
/// Records a batch of byte images into a <see cref="SparsePattern"/> sample by sample, straight from the
/// bytes (no float matrix): <see cref="Add"/> lists a sample's nonzeros and, when the pattern keeps
/// feature-by-feature lists, counts them per feature as it goes, so that <see cref="End"/> only has to
/// place them (<see cref="FeatureRows.Place"/>: the counting sort without its counting pass).
/// </summary>
internal static unsafe class ByteRecorder
{
    /// <summary>Starts a batch in <paramref name="pattern"/>.</summary>
    public static void Begin(SparsePattern pattern)
    {
        if (pattern.Dense is not null) throw new InvalidOperationException("a pattern with dense features is analysed from floats only");
        pattern.Samples = 0;
        pattern.IsSparse = false;
        pattern.HasRows = false;
        pattern.ColumnStart[0] = 0;
        pattern.RowStart?.AsSpan().Clear();
    }

    /// <summary>
    /// Records the next sample, given as bytes whose values are <paramref name="levels"/>[byte] (a zero byte
    /// must stand for 0). False, and the batch is dense, once its nonzeros exceed the pattern's capacity.
    /// </summary>
    public static bool Add(SparsePattern pattern, ReadOnlySpan<byte> pixels, ReadOnlySpan<float> levels)
    {
        int features = pattern.Features;
        if (pixels.Length != features) throw new ArgumentException($"{pixels.Length} inputs for a pattern of {features}", nameof(pixels));
        if (levels.Length < 256) throw new ArgumentException("a level for every byte value is needed", nameof(levels));
        int sample = pattern.Samples;
        if (sample == pattern.Capacity) throw new InvalidOperationException($"this pattern holds batches of at most {sample} samples");
        int at = pattern.ColumnStart[sample];
        if (at + features > pattern.EntryCapacity)
        {
            int nonzero = features - pixels.Count((byte)0);
            if (at + nonzero > pattern.EntryCapacity) return false;
        }
        int count = at;
        fixed (byte* start = pixels)
        fixed (float* level = levels)
        fixed (int* index = pattern.Index, rowStart = pattern.RowStart)
        fixed (float* value = pattern.Value)
        {
            // feature p's count goes to rowStart[p + 1], where FeatureRows.Place expects it (none without rows)
            int* counts = rowStart is null ? null : rowStart + 1;
            for (int p = 0; p < features; p += 32)
            {
                uint mask = p + 32 <= features ? NonzeroMasks.Bytes32(start + p) : NonzeroMasks.BytesTail(start + p, features - p);
                for (; mask != 0; mask &= mask - 1)
                {
                    int feature = p + BitOperations.TrailingZeroCount(mask);
                    index[count] = feature;
                    value[count++] = level[start[feature]];
                    if (counts != null) counts[feature]++;
                }
            }
        }
        pattern.ColumnStart[++pattern.Samples] = count;
        return true;
    }

    /// <summary>Ends a batch every sample of which fitted, and lays its nonzeros out feature by feature (when the pattern keeps them).</summary>
    public static void End(SparsePattern pattern)
    {
        pattern.IsSparse = true;
        if (pattern.KeepsRows) FeatureRows.Place(pattern);
    }
}
