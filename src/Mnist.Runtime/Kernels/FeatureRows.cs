namespace Mnist.Kernels;

/// <summary>
/// Regroups a pattern's nonzeros feature by feature — for feature p, the samples (in order) and values —
/// which is what the first layer's weight update reads. A counting sort: count, prefix sums, scatter.
/// (A batch recorded from bytes is counted as it is recorded: <see cref="ByteRecorder"/>.)
/// </summary>
internal static unsafe class FeatureRows
{
    /// <summary>Counts the nonzeros of every feature, then <see cref="Place"/>s them.</summary>
    public static void Build(SparsePattern pattern)
    {
        int features = pattern.Features, total = pattern.ColumnStart[pattern.Samples];
        fixed (int* rowStart = pattern.RowStart, index = pattern.Index)
        {
            new Span<int>(rowStart, features + 1).Clear();
            for (int e = 0; e < total; e++) rowStart[index[e] + 1]++;
        }
        Place(pattern);
    }

    /// <summary>The rest of the sort, once <c>RowStart[p + 1]</c> holds feature p's count (and <c>RowStart[0]</c> is 0).</summary>
    public static void Place(SparsePattern pattern)
    {
        int features = pattern.Features, samples = pattern.Samples;
        // the row starts double as the scatter cursors: shifted prefix sums, scatter, shift back
        fixed (int* rowStart = pattern.RowStart, rowColumn = pattern.RowColumn, index = pattern.Index, columnStart = pattern.ColumnStart)
        fixed (float* rowValue = pattern.RowValue, value = pattern.Value)
        {
            for (int p = 0; p < features; p++) rowStart[p + 1] += rowStart[p];
            // rowStart[p] is now where feature p begins; use rowStart[p] as its cursor and restore after
            for (int j = 0; j < samples; j++)
            {
                for (int e = columnStart[j], end = columnStart[j + 1]; e < end; e++)
                {
                    int slot = rowStart[index[e]]++;
                    rowColumn[slot] = j;
                    rowValue[slot] = value[e];
                }
            }
            // each cursor ended at the next feature's start: shift them back by one feature
            for (int p = features; p > 0; p--) rowStart[p] = rowStart[p - 1];
            rowStart[0] = 0;
        }
        pattern.HasRows = true;
    }
}
