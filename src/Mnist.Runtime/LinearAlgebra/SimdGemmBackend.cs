using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mnist.Modeling;

namespace Mnist.LinearAlgebra;

/// <summary>
/// Our own single-precision GEMM: no native dependency, nothing allocated after the first call.
/// GotoBLAS-style: for each block of 256 along k, op(A) is packed into panels of 16 rows and op(B)
/// into panels of 4 columns (both zero-padded), then a 16×4 micro-kernel keeps its block of C in
/// eight 8-float registers (AVX2 + FMA) while one A panel stays in L1 and the B panels stream
/// from L2. (A 16×6 block would use more of the 16 registers, but RyuJIT then spills the
/// accumulators on every iteration: measured 3× slower.) Large products split their columns over threads.
/// </summary>
public sealed unsafe class SimdGemmBackend : ColumnRangeGemmBackend
{
    private const int PanelRows = 16;
    private const int PanelColumns = 4;
    private const int DepthBlock = 256;

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
        $"managed SIMD kernel ({(Vector256.IsHardwareAccelerated ? "Vector256" : "software vectors")}" +
        $"{(System.Runtime.Intrinsics.X86.Fma.IsSupported ? " + FMA" : "")}), up to {Threads} thread(s)";

    /// <summary>Columns [first, last) of C, on the calling thread.</summary>
    // AggressiveOptimization: fully optimised from the first call, so a short calibration measures the real speed
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Columns(int first, int last, bool transposeA, bool transposeB, int m, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        int n = last - first;
        int rowPanels = (m + PanelRows - 1) / PanelRows;
        int columnPanels = (n + PanelColumns - 1) / PanelColumns;
        int depth = Math.Min(k, DepthBlock);
        var packedA = Buffer(ref t_packedA, rowPanels * PanelRows * depth);
        var packedB = Buffer(ref t_packedB, columnPanels * PanelColumns * depth);
        fixed (float* pa = a, pb = b, pc = c, ppa = packedA, ppb = packedB)
        {
            for (int p0 = 0; p0 < k; p0 += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - p0);
                float blockBeta = p0 == 0 ? beta : 1f;
                PackA(transposeA, m, p0, kc, pa, lda, ppa);
                PackB(transposeB, first, n, p0, kc, pb, ldb, ppb);
                for (int q = 0; q < rowPanels; q++)
                {
                    int rows = Math.Min(PanelRows, m - q * PanelRows);
                    float* panelA = ppa + (long)q * kc * PanelRows;
                    for (int j = 0; j < columnPanels; j++)
                    {
                        int columns = Math.Min(PanelColumns, n - j * PanelColumns);
                        Kernel16x4(kc, alpha, panelA, ppb + (long)j * kc * PanelColumns, blockBeta,
                            pc + q * PanelRows + (long)(first + j * PanelColumns) * ldc, ldc, rows, columns);
                    }
                }
            }
        }
    }

    private static float[] Buffer(ref float[]? buffer, int length) =>
        buffer is { } existing && existing.Length >= length ? existing : (buffer = new float[Math.Max(length, 16 * 1024)]);

    /// <summary>op(A)[:, p0..p0+kc) into panels: panel q holds rows 16q..16q+15 as kc consecutive groups of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(bool transposeA, int m, int p0, int kc, float* a, int lda, float* packed)
    {
        int panels = (m + PanelRows - 1) / PanelRows;
        for (int q = 0; q < panels; q++)
        {
            int row0 = q * PanelRows;
            int rows = Math.Min(PanelRows, m - row0);
            float* dst = packed + (long)q * kc * PanelRows;
            for (int p = p0; p < p0 + kc; p++, dst += PanelRows)
            {
                if (!transposeA && rows == PanelRows)
                {
                    float* src = a + row0 + (long)p * lda;
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector256.Store(Vector256.Load(src + 8), dst + 8);
                    continue;
                }
                for (int r = 0; r < rows; r++)
                    dst[r] = transposeA ? a[p + (long)(row0 + r) * lda] : a[row0 + r + (long)p * lda];
                for (int r = rows; r < PanelRows; r++) dst[r] = 0f;
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
                for (int p = 0; p < kc; p++, src += ldb) Vector128.Store(Vector128.Load(src), dst + p * PanelColumns);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x4(int k, float alpha, float* a, float* b, float beta, float* c, int ldc, int rows, int columns)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int p = 0; p < k; p++, a += PanelRows, b += PanelColumns)
        {
            var a0 = Vector256.Load(a);
            var a1 = Vector256.Load(a + 8);
            var v = Vector256.Create(b[0]);
            c00 = Fma256.MultiplyAdd(a0, v, c00); c10 = Fma256.MultiplyAdd(a1, v, c10);
            v = Vector256.Create(b[1]);
            c01 = Fma256.MultiplyAdd(a0, v, c01); c11 = Fma256.MultiplyAdd(a1, v, c11);
            v = Vector256.Create(b[2]);
            c02 = Fma256.MultiplyAdd(a0, v, c02); c12 = Fma256.MultiplyAdd(a1, v, c12);
            v = Vector256.Create(b[3]);
            c03 = Fma256.MultiplyAdd(a0, v, c03); c13 = Fma256.MultiplyAdd(a1, v, c13);
        }
        // Park the block in memory before any call: vector registers do not survive calls on
        // SysV, and RyuJIT would otherwise spill every accumulator inside the loop.
        float* tile = stackalloc float[PanelRows * PanelColumns];
        Vector256.Store(c00, tile); Vector256.Store(c10, tile + 8);
        Vector256.Store(c01, tile + 16); Vector256.Store(c11, tile + 24);
        Vector256.Store(c02, tile + 32); Vector256.Store(c12, tile + 40);
        Vector256.Store(c03, tile + 48); Vector256.Store(c13, tile + 56);
        WriteTile(tile, columns, alpha, beta, rows, c, ldc);
    }

    /// <summary>C[0..rows, 0..columns] = alpha · tile + beta · C (C not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteTile(float* tile, int columns, float alpha, float beta, int rows, float* c, int ldc)
    {
        var scale = Vector256.Create(alpha);
        for (int j = 0; j < columns; j++, tile += PanelRows, c += ldc)
        {
            var low = Vector256.Load(tile) * scale;
            var high = Vector256.Load(tile + 8) * scale;
            if (rows == PanelRows)
            {
                if (beta != 0f)
                {
                    var b = Vector256.Create(beta);
                    low = Fma256.MultiplyAdd(Vector256.Load(c), b, low);
                    high = Fma256.MultiplyAdd(Vector256.Load(c + 8), b, high);
                }
                Vector256.Store(low, c);
                Vector256.Store(high, c + 8);
                continue;
            }
            // a partial panel (m not a multiple of 16): write only the rows that exist
            Vector256.Store(low, tile);
            Vector256.Store(high, tile + 8);
            for (int r = 0; r < rows; r++) c[r] = beta == 0f ? tile[r] : tile[r] + beta * c[r];
        }
    }
}
