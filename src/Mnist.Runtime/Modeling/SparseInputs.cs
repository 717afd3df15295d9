using System.Numerics;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Modeling;

/// <summary>
/// Where the nonzero entries of an input batch are. MNIST pixels are about 80% exact zeros, so the
/// first layer's products can skip them without changing the result: a zero input contributes
/// nothing to a sum. <see cref="Analyze(Matrix{float}, bool)"/> records the nonzeros column by column (sample by sample);
/// <see cref="Rows"/> regroups them feature by feature for the weight update. Buffers are sized for
/// the workspace once; nothing allocates afterwards.
/// </summary>
public sealed class SparseInputs
{
    /// <summary>Above this fraction of nonzeros the dense BLAS product is faster.</summary>
    public const double MaxDensity = 0.5;

    private readonly int _features;
    private readonly int[] _columnStart;
    private readonly int[] _index;
    private readonly float[] _value;
    private int[]? _rowStart, _rowColumn, _rowCursor;
    private float[]? _rowValue;
    private bool _rowsBuilt;
    // Recording byte images (Begin/Add/End). Features come in groups of 32 and samples in words of 32:
    // _groupMasks[(group * _sampleWords + word) * 32 + lane] holds the nonzero bits of the group's
    // features in sample word * 32 + lane, and _groupStart[sample * groups + group] where the group's
    // nonzeros begin in the sample's list. End transposes each 32 × 32 block of bits to find every
    // feature's samples in order, and their values in the samples' lists: rows with no sort.
    private uint[]? _groupMasks, _transposed;
    private int[]? _groupStart;
    private readonly int _sampleWords;

    /// <summary>Buffers for batches of up to <paramref name="batchSize"/> samples of <paramref name="features"/> inputs.</summary>
    public SparseInputs(int features, int batchSize)
        : this(features, batchSize, (int)Math.Min(int.MaxValue, (long)Math.Ceiling(features * (long)batchSize * MaxDensity) + 8))
    {
    }

    private SparseInputs(int features, int batchSize, int capacity)
    {
        _features = features;
        _columnStart = new int[batchSize + 1];
        _sampleWords = (batchSize + 31) / 32;
        _index = new int[capacity];
        _value = new float[capacity];
    }

    /// <summary>A copy of the last analysed sparse batch in arrays of exactly its size (for keeping).</summary>
    public SparseInputs Trimmed()
    {
        if (!IsSparse) throw new InvalidOperationException("only a sparse batch can be kept");
        if (Dense is not null) throw new InvalidOperationException("a pattern with dense features cannot be kept");
        int count = _columnStart[Columns];
        var copy = new SparseInputs(_features, Columns, count + 8) { IsSparse = true, Columns = Columns };
        _columnStart.AsSpan(0, Columns + 1).CopyTo(copy._columnStart);
        _index.AsSpan(0, count).CopyTo(copy._index);
        _value.AsSpan(0, count).CopyTo(copy._value);
        return copy;
    }

    /// <summary>Features the analyses record densely (see <see cref="DenseFeatures"/>), or null: all are listed.</summary>
    public DenseFeatures? Dense { get; private set; }

    /// <summary>
    /// From the next <see cref="Analyze(Matrix{float}, int, int, bool)"/> on, records <paramref name="features"/>
    /// (ascending) densely for a first layer of <paramref name="outputs"/> units; null or empty lists every
    /// feature again. Such a pattern serves forward products only, of batches of exactly its size.
    /// </summary>
    public void RecordDensely(int[]? features, int outputs)
    {
        if (features is null || features.Length == 0)
        {
            Dense = null;
            return;
        }
        for (int k = 0; k < features.Length; k++)
            if (features[k] < 0 || features[k] >= _features || (k > 0 && features[k] <= features[k - 1]))
                throw new ArgumentException($"dense features must be ascending and below {_features}", nameof(features));
        if (Dense is null || !Dense.Matches(features, outputs, Capacity)) Dense = new DenseFeatures(features, _features, outputs, Capacity);
    }

    /// <summary>True when the last analysed batch is sparse enough for the sparse kernels.</summary>
    public bool IsSparse { get; private set; }

    /// <summary>Samples in the last analysed batch.</summary>
    public int Columns { get; private set; }

    /// <summary>
    /// Records the nonzeros of <paramref name="inputs"/> (features × batch), or gives up once they
    /// exceed <see cref="MaxDensity"/>; with <paramref name="enabled"/> false, marks the batch dense at once.
    /// Large batches (evaluation, inference) are analysed on several threads.
    /// </summary>
    public void Analyze(Matrix<float> inputs, bool enabled = true) => Analyze(inputs, 0, inputs.ColumnCount, enabled);

    /// <summary>Like <see cref="Analyze(Matrix{float}, bool)"/>, for the <paramref name="columns"/> columns of <paramref name="inputs"/> from <paramref name="first"/> on.</summary>
    public void Analyze(Matrix<float> inputs, int first, int columns, bool enabled = true)
    {
        if (inputs.RowCount != _features) throw new ArgumentException($"{inputs.RowCount} inputs for a pattern of {_features}", nameof(inputs));
        if (first < 0 || columns < 0 || first + columns > inputs.ColumnCount || columns > Capacity)
            throw new ArgumentOutOfRangeException(nameof(columns), $"columns {first}..{first + columns} of {inputs.ColumnCount}, for a pattern of at most {Capacity}");
        if (Dense is not null && columns != Capacity)
            throw new InvalidOperationException($"a pattern with dense features analyses batches of exactly {Capacity} samples, not {columns}");
        // the analysis reads the columns from here on as its columns 0, 1, ...
        var values = new ArraySegment<float>(Gemm.Values(inputs), first * _features, columns * _features);
        Columns = columns;
        _rowsBuilt = false;
        IsSparse = false;
        if (!enabled) return;
        int threads = Gemm.Threads;
        if (threads > 1 && columns >= ParallelColumns)
        {
            AnalyzeInParallel(values, columns, threads);
            return;
        }
        int count = 0;
        for (int j = 0; j < columns; j++)
        {
            _columnStart[j] = count;
            if (count + _features > _index.Length && count + Count(values, j) > _index.Length) return;
            count += Fill(values, j, count);
        }
        _columnStart[columns] = count;
        IsSparse = true;
    }

    /// <summary>Starts recording a batch sample by sample with <see cref="Add"/> (inputs kept as bytes, not as a float matrix).</summary>
    internal void Begin()
    {
        if (Dense is not null) throw new InvalidOperationException("a pattern with dense features is analysed from floats only");
        Columns = 0;
        IsSparse = false;
        _rowsBuilt = false;
        _columnStart[0] = 0;
        _groupMasks ??= new uint[Groups * _sampleWords * 32];
        _groupStart ??= new int[Capacity * Groups];
        _transposed ??= new uint[_sampleWords * 32];
        Array.Clear(_groupMasks);
    }

    private int Groups => (_features + 31) / 32;

    // Samples a batch may have.
    private int Capacity => _columnStart.Length - 1;

    /// <summary>
    /// Records the nonzeros of the next sample, given as bytes whose values are <paramref name="levels"/>[byte]
    /// (a zero byte must stand for 0). False, and the batch is dense, once they exceed <see cref="MaxDensity"/>.
    /// </summary>
    internal unsafe bool Add(ReadOnlySpan<byte> pixels, ReadOnlySpan<float> levels)
    {
        if (pixels.Length != _features) throw new ArgumentException($"{pixels.Length} inputs for a pattern of {_features}", nameof(pixels));
        if (levels.Length < 256) throw new ArgumentException("a level for every byte value is needed", nameof(levels));
        if (Columns == Capacity) throw new InvalidOperationException($"this pattern holds batches of at most {Columns} samples");
        int at = _columnStart[Columns];
        if (at + _features > _index.Length)
        {
            int nonzero = _features - pixels.Count((byte)0);
            if (at + nonzero > _index.Length) return false;
        }
        int sample = Columns, groups = Groups;
        fixed (byte* start = pixels)
        fixed (float* level = levels)
        fixed (int* index = _index, groupStart = &_groupStart![sample * groups])
        fixed (float* value = _value)
        fixed (uint* groupMasks = &_groupMasks![(sample >> 5) * 32 + (sample & 31)])
        {
            int count = at;
            for (int g = 0, p = 0; p < _features; g++, p += 32)
            {
                uint mask = p + 32 <= _features
                    ? ~Vector256.Equals(Vector256.Load(start + p), Vector256<byte>.Zero).ExtractMostSignificantBits()
                    : TailMask(start + p, _features - p);
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
            _columnStart[++Columns] = count;
        }
        return true;
    }

    // The nonzero bits of the last n (< 32) bytes.
    private static unsafe uint TailMask(byte* start, int n)
    {
        uint mask = 0;
        for (int i = 0; i < n; i++) if (start[i] != 0) mask |= 1u << i;
        return mask;
    }

    /// <summary>
    /// Ends a batch recorded with <see cref="Add"/>, every sample of which fitted, and lays its
    /// nonzeros out in feature order too (<see cref="Rows"/>), from the bit masks Add kept.
    /// </summary>
    internal unsafe void End()
    {
        IsSparse = true;
        AllocateRows();
        int groups = Groups, count = 0;
        fixed (uint* groupMasks = _groupMasks, transposed = _transposed)
        fixed (int* groupStart = _groupStart, rowStart = _rowStart, rowColumn = _rowColumn)
        fixed (float* value = _value, rowValue = _rowValue)
        {
            for (int g = 0; g < groups; g++)
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
                            int at = groupStart[sample * groups + g] + BitOperations.PopCount(masks[w * 32 + lane] & below);
                            rowColumn[count] = sample;
                            rowValue[count++] = value[at];
                            samples &= samples - 1;
                        }
                    }
                }
            }
            rowStart[_features] = count;
        }
        _rowsBuilt = true;
    }

    /// <summary>Transposes a 32 × 32 bit matrix in place: bit c of word r goes to bit r of word c.</summary>
    internal static unsafe void Transpose32(uint* a)
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

    /// <summary>Samples from which the analysis runs on several threads.</summary>
    public const int ParallelColumns = 256;

    /// <summary>
    /// One pass over the inputs on several threads: each thread fills its own region of the buffers,
    /// sized in proportion to its samples, and the regions are then moved together. A region that
    /// overflows (more than <see cref="MaxDensity"/> of its inputs nonzero) makes the batch dense.
    /// </summary>
    private void AnalyzeInParallel(ArraySegment<float> values, int columns, int threads)
    {
        var regions = new List<(int First, int Last, int Filled)>(threads);
        bool overflow = false;
        LinearAlgebra.ColumnSplit.Split(columns, threads, 1, (first, last) =>
        {
            int at = RegionStart(first, columns), end = RegionStart(last, columns);
            for (int j = first; j < last; j++)
            {
                _columnStart[j] = at;
                if (at + _features > end && at + Count(values, j) > end)
                {
                    overflow = true;
                    return;
                }
                at += Fill(values, j, at);
            }
            lock (regions) regions.Add((first, last, at));
        });
        if (overflow) return;
        regions.Sort();
        int count = 0;
        foreach (var (first, last, filled) in regions)
        {
            int start = RegionStart(first, columns), shift = start - count;
            if (shift > 0)
            {
                Array.Copy(_index, start, _index, count, filled - start);
                Array.Copy(_value, start, _value, count, filled - start);
                for (int j = first; j < last; j++) _columnStart[j] -= shift;
            }
            count += filled - start;
        }
        _columnStart[columns] = count;
        IsSparse = true;
    }

    /// <summary>Where the region of the buffers for samples from <paramref name="column"/> on begins.</summary>
    private int RegionStart(int column, int columns) => (int)((long)_index.Length * column / columns);

    /// <summary>Nonzeros in sample <paramref name="column"/>.</summary>
    private unsafe int Count(ArraySegment<float> values, int column)
    {
        fixed (float* start = &values.Array![values.Offset + column * _features])
        {
            var listed = Dense?.Listed;
            int count = 0, p = 0;
            for (; p + 8 <= _features; p += 8)
            {
                uint mask = ~Vector256.Equals(Vector256.Load(start + p), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF;
                if (listed is not null) mask &= listed[p >> 5] >> (p & 31);
                count += BitOperations.PopCount(mask);
            }
            for (; p < _features; p++) if (start[p] != 0f && (listed is null || (listed[p >> 5] >> (p & 31) & 1) != 0)) count++;
            return count;
        }
    }

    /// <summary>Writes the nonzeros of sample <paramref name="column"/> from position <paramref name="at"/>; returns how many.</summary>
    private unsafe int Fill(ArraySegment<float> values, int column, int at)
    {
        fixed (float* start = &values.Array![values.Offset + column * _features])
        fixed (int* index = _index)
        fixed (float* value = _value)
        {
            var dense = Dense;
            dense?.Gather(start, column);
            var listed = dense?.Listed;
            int count = at, p = 0;
            for (; p + 32 <= _features; p += 32)
            {
                // four vectors at once: MNIST has long runs of zero pixels to skip
                uint mask = ~Vector256.Equals(Vector256.Load(start + p), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF
                    | (~Vector256.Equals(Vector256.Load(start + p + 8), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF) << 8
                    | (~Vector256.Equals(Vector256.Load(start + p + 16), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF) << 16
                    | (~Vector256.Equals(Vector256.Load(start + p + 24), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFF) << 24;
                if (listed is not null) mask &= listed[p >> 5];
                while (mask != 0)
                {
                    int bit = BitOperations.TrailingZeroCount(mask);
                    index[count] = p + bit;
                    value[count++] = start[p + bit];
                    mask &= mask - 1;
                }
            }
            for (; p < _features; p++)
            {
                if (start[p] == 0f || (listed is not null && (listed[p >> 5] >> (p & 31) & 1) == 0)) continue;
                index[count] = p;
                value[count++] = start[p];
            }
            return count - at;
        }
    }

    /// <summary>Feature indices of the nonzeros of sample <paramref name="column"/>.</summary>
    public ReadOnlySpan<int> Indices(int column) => _index.AsSpan(_columnStart[column], _columnStart[column + 1] - _columnStart[column]);

    /// <summary>Values of the nonzeros of sample <paramref name="column"/>.</summary>
    public ReadOnlySpan<float> Values(int column) => _value.AsSpan(_columnStart[column], _columnStart[column + 1] - _columnStart[column]);

    /// <summary>The nonzeros regrouped by feature: for feature p, the samples and values at positions RowStart[p]..RowStart[p+1].</summary>
    public unsafe (int[] RowStart, int[] Column, float[] Value) Rows()
    {
        if (_rowsBuilt) return (_rowStart!, _rowColumn!, _rowValue!);
        if (Dense is not null) throw new InvalidOperationException("a pattern with dense features serves forward products only");
        AllocateRows();
        _rowCursor ??= new int[_features];
        int total = _columnStart[Columns];
        // a counting sort by feature: count, prefix sums, scatter (samples stay in order within a feature)
        fixed (int* rowStart = _rowStart, cursor = _rowCursor, rowColumn = _rowColumn, index = _index, columnStart = _columnStart)
        fixed (float* rowValue = _rowValue, value = _value)
        {
            new Span<int>(cursor, _features).Clear();
            for (int e = 0; e < total; e++) cursor[index[e]]++;
            int sum = 0;
            for (int p = 0; p < _features; p++)
            {
                rowStart[p] = sum;
                sum += cursor[p];
                cursor[p] = rowStart[p];
            }
            rowStart[_features] = sum;
            for (int j = 0; j < Columns; j++)
            {
                for (int e = columnStart[j], end = columnStart[j + 1]; e < end; e++)
                {
                    int slot = cursor[index[e]]++;
                    rowColumn[slot] = j;
                    rowValue[slot] = value[e];
                }
            }
        }
        _rowsBuilt = true;
        return (_rowStart!, _rowColumn!, _rowValue!);
    }

    private void AllocateRows()
    {
        _rowStart ??= new int[_features + 1];
        _rowColumn ??= new int[_index.Length];
        _rowValue ??= new float[_index.Length];
    }
}
