using System.Runtime.CompilerServices;

namespace Mnist.LinearAlgebra;

/// <summary>
/// Our own single-precision GEMM: no native dependency, nothing allocated after the first call.
/// GotoBLAS-style: for each block of 256 along k, op(A) is packed into panels of two vector registers
/// height (32 rows with AVX-512, 16 with AVX2, 8 with SSE or NEON) and op(B) into panels of 4 columns
/// (both zero-padded), then a micro-kernel keeps its block of C in eight registers while one A panel
/// stays in L1 and the B panels stream from L2. Written once over the vector width
/// (<see cref="Kernels.ISimdVector{TSelf}"/>); the widest the processor accelerates is used. (A block of
/// 6 columns would use more of the registers, but RyuJIT then spills the accumulators on every
/// iteration; see <see cref="Tuning.GemmPanelColumns"/>.) Large products split their columns over threads.
/// </summary>
public sealed unsafe class SimdGemmBackend : ColumnRangeGemmBackend
{
    private const int PanelColumns = Tuning.GemmPanelColumns;
    private const int DepthBlock = Tuning.GemmDepthBlock;

    [ThreadStatic] private static float[]? t_packedA;
    [ThreadStatic] private static float[]? t_packedB;

    /// <summary>A backend using up to <paramref name="threads"/> threads for large products.</summary>
    public SimdGemmBackend(int threads = 1)
        : base(threads)
    {
    }

    /// <inheritdoc />
    public override string Name => "simd";

    /// <inheritdoc />
    protected override int Granularity => PanelColumns;

    /// <inheritdoc />
    public override string Description =>
        $"managed SIMD kernel ({Kernels.SimdWidth.Name}{(Kernels.SimdWidth.FusedMultiplyAdd ? " + FMA" : "")}), up to {Threads} thread(s)";

    /// <summary>Columns [first, last) of C, on the calling thread.</summary>
    protected override void Columns(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var kernel = new ColumnsKernel(first, last, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc);
        // a panel is two registers high: few rows (a 10-class layer) take the narrowest width that needs no more operations
        switch (Kernels.SimdWidth.ForRows(m, registers: 2))
        {
            case 16: kernel.Run<Kernels.Vector512Ops>(); break;
            case 8: kernel.Run<Kernels.Vector256Ops>(); break;
            case 4: kernel.Run<Kernels.Vector128Ops>(); break;
            default: kernel.Run<Kernels.ScalarOps>(); break;
        }
    }

    private readonly struct ColumnsKernel(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) : Kernels.ISimdKernel
    {
        public void Run<TV>() where TV : struct, Kernels.ISimdVector<TV> =>
            Columns<TV>(first, last, transposeA, transposeB, m, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    // AggressiveOptimization: fully optimised from the first call, so a short calibration measures the real speed
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TV>(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) where TV : struct, Kernels.ISimdVector<TV>
    {
        int panelRows = 2 * TV.Count;
        int n = last - first;
        int rowPanels = (m + panelRows - 1) / panelRows;
        int columnPanels = (n + PanelColumns - 1) / PanelColumns;
        int depth = Math.Min(k, DepthBlock);
        var packedA = Buffer(ref t_packedA, rowPanels * panelRows * depth);
        var packedB = Buffer(ref t_packedB, columnPanels * PanelColumns * depth);
        fixed (float* pa = a, pb = b, pc = c, ppa = packedA, ppb = packedB)
        {
            for (int p0 = 0; p0 < k; p0 += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - p0);
                float blockBeta = p0 == 0 ? beta : 1f;
                PackA<TV>(transposeA, m, p0, kc, pa, lda, ppa);
                PackB(transposeB, first, n, p0, kc, pb, ldb, ppb);
                for (int q = 0; q < rowPanels; q++)
                {
                    int rows = Math.Min(panelRows, m - q * panelRows);
                    float* panelA = ppa + (long)q * kc * panelRows;
                    for (int j = 0; j < columnPanels; j++)
                    {
                        int columns = Math.Min(PanelColumns, n - j * PanelColumns);
                        Kernel<TV>(kc, alpha, panelA, ppb + (long)j * kc * PanelColumns, blockBeta,
                            pc + q * panelRows + (long)(first + j * PanelColumns) * ldc, ldc, rows, columns);
                    }
                }
            }
        }
    }

    private static float[] Buffer(ref float[]? buffer, int length) =>
        buffer is { } existing && existing.Length >= length ? existing : (buffer = new float[Math.Max(length, 16 * 1024)]);

    /// <summary>op(A)[:, p0..p0+kc) into panels: panel q holds its rows as kc consecutive groups of two registers' height.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<TV>(bool transposeA, int m, int p0, int kc, float* a, int lda, float* packed) where TV : struct, Kernels.ISimdVector<TV>
    {
        int panelRows = 2 * TV.Count;
        int panels = (m + panelRows - 1) / panelRows;
        for (int q = 0; q < panels; q++)
        {
            int row0 = q * panelRows;
            int rows = Math.Min(panelRows, m - row0);
            float* dst = packed + (long)q * kc * panelRows;
            for (int p = p0; p < p0 + kc; p++, dst += panelRows)
            {
                if (!transposeA && rows == panelRows)
                {
                    float* src = a + row0 + (long)p * lda;
                    TV.Store(TV.Load(src), dst);
                    TV.Store(TV.Load(src + TV.Count), dst + TV.Count);
                    continue;
                }
                if (!transposeA)
                {
                    // a partial panel (the last rows, or a product of fewer rows than a panel: a 10-row layer): one copy per p
                    new ReadOnlySpan<float>(a + row0 + (long)p * lda, rows).CopyTo(new Span<float>(dst, rows));
                    new Span<float>(dst + rows, panelRows - rows).Clear();
                    continue;
                }
                for (int r = 0; r < rows; r++) dst[r] = a[p + (long)(row0 + r) * lda];
                for (int r = rows; r < panelRows; r++) dst[r] = 0f;
            }
        }
    }

    /// <summary>op(B)[p0..p0+kc), first..first+n) into panels of 4 columns: kc consecutive groups of 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(bool transposeB, int first, int n, int p0, int kc, float* b, int ldb, float* packed)
    {
        int panels = (n + PanelColumns - 1) / PanelColumns;
        for (int j = 0; j < panels; j++)
        {
            int column0 = first + j * PanelColumns;
            int columns = Math.Min(PanelColumns, n - j * PanelColumns);
            float* dst = packed + (long)j * kc * PanelColumns;
            if (columns == PanelColumns && transposeB)
            {
                // op(B)[p, column0..column0+3] is contiguous: one 4-float copy per p
                float* src = b + column0 + (long)p0 * ldb;
                for (int p = 0; p < kc; p++, src += ldb) *(long*)(dst + p * PanelColumns) = *(long*)src;
                src = b + column0 + 2 + (long)p0 * ldb;
                for (int p = 0; p < kc; p++, src += ldb) *(long*)(dst + p * PanelColumns + 2) = *(long*)src;
            }
            else if (columns == PanelColumns)
            {
                // four column streams interleaved
                float* b0 = b + p0 + (long)column0 * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                for (int p = 0; p < kc; p++, dst += PanelColumns)
                {
                    dst[0] = b0[p];
                    dst[1] = b1[p];
                    dst[2] = b2[p];
                    dst[3] = b3[p];
                }
            }
            else
            {
                for (int p = p0; p < p0 + kc; p++, dst += PanelColumns)
                {
                    for (int col = 0; col < PanelColumns; col++)
                        dst[col] = col >= columns ? 0f : transposeB ? b[column0 + col + (long)p * ldb] : b[p + (long)(column0 + col) * ldb];
                }
            }
        }
    }

    // SkipLocalsInit: the tile is written before it is read; zeroing it on every call cost as much as a small block's arithmetic
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Kernel<TV>(int k, float alpha, float* a, float* b, float beta, float* c, int ldc, int rows, int columns)
        where TV : struct, Kernels.ISimdVector<TV>
    {
        int panelRows = 2 * TV.Count;
        TV c00 = TV.Zero, c01 = TV.Zero, c02 = TV.Zero, c03 = TV.Zero;
        TV c10 = TV.Zero, c11 = TV.Zero, c12 = TV.Zero, c13 = TV.Zero;
        for (int p = 0; p < k; p++, a += panelRows, b += PanelColumns)
        {
            var a0 = TV.Load(a);
            var a1 = TV.Load(a + TV.Count);
            var v = TV.Broadcast(b[0]);
            c00 = TV.MultiplyAdd(a0, v, c00); c10 = TV.MultiplyAdd(a1, v, c10);
            v = TV.Broadcast(b[1]);
            c01 = TV.MultiplyAdd(a0, v, c01); c11 = TV.MultiplyAdd(a1, v, c11);
            v = TV.Broadcast(b[2]);
            c02 = TV.MultiplyAdd(a0, v, c02); c12 = TV.MultiplyAdd(a1, v, c12);
            v = TV.Broadcast(b[3]);
            c03 = TV.MultiplyAdd(a0, v, c03); c13 = TV.MultiplyAdd(a1, v, c13);
        }
        // Park the block in memory before any call: vector registers do not survive calls on
        // SysV, and RyuJIT would otherwise spill every accumulator inside the loop.
        float* tile = stackalloc float[2 * TV.Count * PanelColumns];
        TV.Store(c00, tile); TV.Store(c10, tile + TV.Count);
        TV.Store(c01, tile + panelRows); TV.Store(c11, tile + panelRows + TV.Count);
        TV.Store(c02, tile + 2 * panelRows); TV.Store(c12, tile + 2 * panelRows + TV.Count);
        TV.Store(c03, tile + 3 * panelRows); TV.Store(c13, tile + 3 * panelRows + TV.Count);
        WriteTile<TV>(tile, columns, alpha, beta, rows, c, ldc);
    }

    /// <summary>C[0..rows, 0..columns] = alpha · tile + beta · C (C not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteTile<TV>(float* tile, int columns, float alpha, float beta, int rows, float* c, int ldc)
        where TV : struct, Kernels.ISimdVector<TV>
    {
        int panelRows = 2 * TV.Count;
        var scale = TV.Broadcast(alpha);
        for (int j = 0; j < columns; j++, tile += panelRows, c += ldc)
        {
            var low = TV.Multiply(TV.Load(tile), scale);
            var high = TV.Multiply(TV.Load(tile + TV.Count), scale);
            if (rows == panelRows)
            {
                if (beta != 0f)
                {
                    var b = TV.Broadcast(beta);
                    low = TV.MultiplyAdd(TV.Load(c), b, low);
                    high = TV.MultiplyAdd(TV.Load(c + TV.Count), b, high);
                }
                TV.Store(low, c);
                TV.Store(high, c + TV.Count);
                continue;
            }
            // a partial panel (m not a multiple of the panel height): write only the rows that exist
            TV.Store(low, tile);
            TV.Store(high, tile + TV.Count);
            for (int r = 0; r < rows; r++) c[r] = beta == 0f ? tile[r] : tile[r] + beta * c[r];
        }
    }
}
