using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// Fills a <see cref="SparsePattern"/> from a float batch (features × samples): each sample's nonzero
/// features and values, or, once they exceed the pattern's capacity (<see cref="Tuning.MaxSparseDensity"/>),
/// a dense batch. Large batches are analysed on several threads in one pass.
/// </summary>
internal static unsafe class SparseAnalysis
{
    /// <summary>Records the <paramref name="columns"/> samples of <paramref name="inputs"/> from <paramref name="first"/> on; with <paramref name="enabled"/> false, marks the batch dense at once.</summary>
    public static void Analyze(SparsePattern pattern, Matrix<float> inputs, int first, int columns, bool enabled = true)
    {
        int features = pattern.Features;
        if (inputs.RowCount != features) throw new ArgumentException($"{inputs.RowCount} inputs for a pattern of {features}", nameof(inputs));
        if (first < 0 || columns < 0 || first + columns > inputs.ColumnCount || columns > pattern.Capacity)
            throw new ArgumentOutOfRangeException(nameof(columns), $"columns {first}..{first + columns} of {inputs.ColumnCount}, for a pattern of at most {pattern.Capacity}");
        if (pattern.Dense is not null && columns != pattern.Capacity)
            throw new InvalidOperationException($"a pattern with dense features analyses batches of exactly {pattern.Capacity} samples, not {columns}");
        // the analysis reads the columns from here on as its columns 0, 1, ...
        var values = new ArraySegment<float>(Gemm.Values(inputs), first * features, columns * features);
        pattern.Samples = columns;
        pattern.HasRows = false;
        pattern.IsSparse = false;
        if (!enabled) return;
        int threads = Gemm.Threads;
        if (threads > 1 && columns >= Tuning.ParallelSparseColumns)
        {
            AnalyzeInParallel(pattern, values, columns, threads);
            return;
        }
        int count = 0, capacity = pattern.EntryCapacity;
        for (int j = 0; j < columns; j++)
        {
            pattern.ColumnStart[j] = count;
            if (count + features > capacity && count + Count(pattern, values, j) > capacity) return;
            count += Fill(pattern, values, j, count);
        }
        pattern.ColumnStart[columns] = count;
        pattern.IsSparse = true;
    }

    /// <summary>
    /// One pass over the inputs on several threads: each thread fills its own region of the buffers,
    /// sized in proportion to its samples, and the regions are then moved together. A region that
    /// overflows makes the batch dense.
    /// </summary>
    private static void AnalyzeInParallel(SparsePattern pattern, ArraySegment<float> values, int columns, int threads)
    {
        var regions = new List<(int First, int Last, int Filled)>(threads);
        bool overflow = false;
        int features = pattern.Features;
        LinearAlgebra.ColumnSplit.Split(columns, threads, 1, (first, last) =>
        {
            int at = RegionStart(pattern, first, columns), end = RegionStart(pattern, last, columns);
            for (int j = first; j < last; j++)
            {
                pattern.ColumnStart[j] = at;
                if (at + features > end && at + Count(pattern, values, j) > end)
                {
                    overflow = true;
                    return;
                }
                at += Fill(pattern, values, j, at);
            }
            lock (regions) regions.Add((first, last, at));
        });
        if (overflow) return;
        regions.Sort();
        int count = 0;
        foreach (var (first, last, filled) in regions)
        {
            int start = RegionStart(pattern, first, columns), shift = start - count;
            if (shift > 0)
            {
                Array.Copy(pattern.Index, start, pattern.Index, count, filled - start);
                Array.Copy(pattern.Value, start, pattern.Value, count, filled - start);
                for (int j = first; j < last; j++) pattern.ColumnStart[j] -= shift;
            }
            count += filled - start;
        }
        pattern.ColumnStart[columns] = count;
        pattern.IsSparse = true;
    }

    // Where the region of the buffers for samples from column on begins.
    private static int RegionStart(SparsePattern pattern, int column, int columns) => (int)((long)pattern.EntryCapacity * column / columns);

    // Nonzeros in sample column (the densely recorded features not counted).
    private static int Count(SparsePattern pattern, ArraySegment<float> values, int column)
    {
        int features = pattern.Features;
        fixed (float* start = &values.Array![values.Offset + column * features])
        {
            var listed = pattern.Dense?.Listed;
            int count = 0, p = 0;
            for (; p + 32 <= features; p += 32)
            {
                uint mask = NonzeroMasks.Floats32(start + p);
                if (listed is not null) mask &= listed[p >> 5];
                count += BitOperations.PopCount(mask);
            }
            for (; p < features; p++) if (start[p] != 0f && (listed is null || (listed[p >> 5] >> (p & 31) & 1) != 0)) count++;
            return count;
        }
    }

    // Writes the nonzeros of sample column from position at (and gathers its densely recorded features); returns how many.
    private static int Fill(SparsePattern pattern, ArraySegment<float> values, int column, int at)
    {
        int features = pattern.Features;
        fixed (float* start = &values.Array![values.Offset + column * features])
        fixed (int* index = pattern.Index)
        fixed (float* value = pattern.Value)
        {
            var dense = pattern.Dense;
            dense?.Gather(start, column);
            var listed = dense?.Listed;
            int count = at, p = 0;
            for (; p + 32 <= features; p += 32)
            {
                // 32 inputs at once: MNIST has long runs of zero pixels to skip
                uint mask = NonzeroMasks.Floats32(start + p);
                if (listed is not null) mask &= listed[p >> 5];
                while (mask != 0)
                {
                    int bit = BitOperations.TrailingZeroCount(mask);
                    index[count] = p + bit;
                    value[count++] = start[p + bit];
                    mask &= mask - 1;
                }
            }
            for (; p < features; p++)
            {
                if (start[p] == 0f || (listed is not null && (listed[p >> 5] >> (p & 31) & 1) == 0)) continue;
                index[count] = p;
                value[count++] = start[p];
            }
            return count - at;
        }
    }
}
