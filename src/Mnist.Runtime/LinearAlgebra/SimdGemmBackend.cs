using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mnist.LinearAlgebra;

/// <summary>
/// Our own single-precision GEMM: no native dependency, nothing allocated after the first call.
/// op(A) is packed into panels of 16 rows (zero-padded) so the micro-kernel reads it contiguously;
/// the micro-kernel keeps a 16×6 block of C in twelve 8-float registers (AVX2 + FMA) and streams
/// op(B) as broadcasts. Large products split their columns over threads.
/// </summary>
public sealed unsafe class SimdGemmBackend : IGemmBackend
{
    private const int PanelRows = 16;
    private const int BlockColumns = 6;

    [ThreadStatic] private static float[]? t_packed;
    private long _calls;

    /// <summary>A backend using up to <paramref name="threads"/> threads for large products.</summary>
    public SimdGemmBackend(int threads = 1) => Threads = Math.Max(1, threads);

    /// <inheritdoc />
    public string Name => "simd";

    /// <summary>Most threads a product may use.</summary>
    public int Threads { get; }

    /// <inheritdoc />
    public string Description =>
        $"managed SIMD kernel ({(Vector256.IsHardwareAccelerated ? "Vector256" : "software vectors")}" +
        $"{(System.Runtime.Intrinsics.X86.Fma.IsSupported ? " + FMA" : "")}), up to {Threads} thread(s)";

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc />
    public void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        Interlocked.Increment(ref _calls);
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        int panels = (m + PanelRows - 1) / PanelRows;
        int packedLength = panels * PanelRows * k;
        var packed = t_packed is { } buffer && buffer.Length >= packedLength ? buffer : (t_packed = new float[Math.Max(packedLength, 64 * 1024)]);
        fixed (float* pa = a, pp = packed)
            Pack(transposeA, m, k, pa, lda, pp);

        if ((long)m * n * k < ColumnSplit.ParallelThreshold || Threads == 1)
        {
            Columns(0, n, transposeB, m, k, alpha, packed, b, ldb, beta, c, ldc);
            return;
        }
        ColumnSplit.Run(m, n, k, Threads, BlockColumns, (first, last) => Columns(first, last, transposeB, m, k, alpha, packed, b, ldb, beta, c, ldc));
    }

    private static void ScaleC(int m, int n, float beta, float[] c, int ldc)
    {
        for (int j = 0; j < n; j++)
        {
            var column = c.AsSpan(j * ldc, m);
            if (beta == 0f) column.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(column, beta, column);
        }
    }

    /// <summary>op(A) (m×k) into panels: panel q holds rows 16q..16q+15 as k consecutive groups of 16.</summary>
    private static void Pack(bool transposeA, int m, int k, float* a, int lda, float* packed)
    {
        int panels = (m + PanelRows - 1) / PanelRows;
        for (int q = 0; q < panels; q++)
        {
            int row0 = q * PanelRows;
            int rows = Math.Min(PanelRows, m - row0);
            float* dst = packed + (long)q * k * PanelRows;
            for (int p = 0; p < k; p++, dst += PanelRows)
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

    private static void Columns(int first, int last, bool transposeB, int m, int k, float alpha,
        float[] packed, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        int panels = (m + PanelRows - 1) / PanelRows;
        fixed (float* pp = packed, pb = b, pc = c)
        {
            // B(p, j) = pb[p * rowStride + j * columnStride]
            long rowStride = transposeB ? ldb : 1;
            long columnStride = transposeB ? 1 : ldb;
            int j = first;
            for (; j + BlockColumns <= last; j += BlockColumns)
            {
                for (int q = 0; q < panels; q++)
                    Kernel16x6(k, alpha, pp + (long)q * k * PanelRows, pb + j * columnStride, rowStride, columnStride,
                        beta, pc + q * PanelRows + (long)j * ldc, ldc, Math.Min(PanelRows, m - q * PanelRows));
            }
            for (; j < last; j++)
            {
                for (int q = 0; q < panels; q++)
                    Kernel16x1(k, alpha, pp + (long)q * k * PanelRows, pb + j * columnStride, rowStride,
                        beta, pc + q * PanelRows + (long)j * ldc, Math.Min(PanelRows, m - q * PanelRows));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x6(int k, float alpha, float* a, float* b, long rowStride, long columnStride,
        float beta, float* c, int ldc, int rows)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        float* b0 = b, b1 = b + columnStride, b2 = b + 2 * columnStride, b3 = b + 3 * columnStride, b4 = b + 4 * columnStride, b5 = b + 5 * columnStride;
        for (int p = 0; p < k; p++, a += PanelRows)
        {
            var a0 = Vector256.Load(a);
            var a1 = Vector256.Load(a + 8);
            long offset = p * rowStride;
            var v = Vector256.Create(b0[offset]);
            c00 = Vector256.MultiplyAddEstimate(a0, v, c00); c10 = Vector256.MultiplyAddEstimate(a1, v, c10);
            v = Vector256.Create(b1[offset]);
            c01 = Vector256.MultiplyAddEstimate(a0, v, c01); c11 = Vector256.MultiplyAddEstimate(a1, v, c11);
            v = Vector256.Create(b2[offset]);
            c02 = Vector256.MultiplyAddEstimate(a0, v, c02); c12 = Vector256.MultiplyAddEstimate(a1, v, c12);
            v = Vector256.Create(b3[offset]);
            c03 = Vector256.MultiplyAddEstimate(a0, v, c03); c13 = Vector256.MultiplyAddEstimate(a1, v, c13);
            v = Vector256.Create(b4[offset]);
            c04 = Vector256.MultiplyAddEstimate(a0, v, c04); c14 = Vector256.MultiplyAddEstimate(a1, v, c14);
            v = Vector256.Create(b5[offset]);
            c05 = Vector256.MultiplyAddEstimate(a0, v, c05); c15 = Vector256.MultiplyAddEstimate(a1, v, c15);
        }
        Store(c, alpha, beta, rows, c00, c10);
        Store(c + ldc, alpha, beta, rows, c01, c11);
        Store(c + 2L * ldc, alpha, beta, rows, c02, c12);
        Store(c + 3L * ldc, alpha, beta, rows, c03, c13);
        Store(c + 4L * ldc, alpha, beta, rows, c04, c14);
        Store(c + 5L * ldc, alpha, beta, rows, c05, c15);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16x1(int k, float alpha, float* a, float* b, long rowStride, float beta, float* c, int rows)
    {
        Vector256<float> c0 = default, c1 = default;
        for (int p = 0; p < k; p++, a += PanelRows)
        {
            var v = Vector256.Create(b[p * rowStride]);
            c0 = Vector256.MultiplyAddEstimate(Vector256.Load(a), v, c0);
            c1 = Vector256.MultiplyAddEstimate(Vector256.Load(a + 8), v, c1);
        }
        Store(c, alpha, beta, rows, c0, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float alpha, float beta, int rows, Vector256<float> low, Vector256<float> high)
    {
        var scale = Vector256.Create(alpha);
        low *= scale;
        high *= scale;
        if (rows == PanelRows)
        {
            if (beta != 0f)
            {
                var b = Vector256.Create(beta);
                low = Vector256.MultiplyAddEstimate(Vector256.Load(c), b, low);
                high = Vector256.MultiplyAddEstimate(Vector256.Load(c + 8), b, high);
            }
            Vector256.Store(low, c);
            Vector256.Store(high, c + 8);
            return;
        }
        // a partial panel (m not a multiple of 16): write only the rows that exist
        float* values = stackalloc float[PanelRows];
        Vector256.Store(low, values);
        Vector256.Store(high, values + 8);
        for (int r = 0; r < rows; r++) c[r] = beta == 0f ? values[r] : values[r] + beta * c[r];
    }
}
