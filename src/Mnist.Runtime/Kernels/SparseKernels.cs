using System.Runtime.CompilerServices;

namespace Mnist.Kernels;

/// <summary>
/// The inner loop of the sparse first-layer products, written once over the vector width: for a
/// block of output rows, a sum over a sample's (or a feature's) nonzero entries of a column of weights
/// (or of errors) times the entry — the forward product gathers the weight columns of a sample's
/// nonzeros, the update scatters the error columns of a feature's samples. Rows go in blocks of eight
/// registers (64 rows with AVX2, 128 with AVX-512), then four, then one, then single floats.
/// </summary>
internal static unsafe class SparseKernels
{
    /// <summary>z[0..rows) = (accumulate ? z : 0) + Σ_e w[:, index[e]] · value[e] (w column-major with leading dimension ldw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gather<TV>(float* w, int ldw, int rows, int* index, float* value, int count, float* z, bool accumulate)
        where TV : struct, ISimdVector<TV> =>
        Scatter<TV>(w, ldw, rows, index, value, count, 1f, accumulate ? 1f : 0f, z);

    /// <summary>t[0..rows) = beta · t + alpha · Σ_e d[:, column[e]] · value[e]; with beta 1 and alpha −lr this is the SGD update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scatter<TV>(float* d, int ldd, int rows, int* column, float* value, int count, float alpha, float beta, float* t)
        where TV : struct, ISimdVector<TV>
    {
        int r = 0;
        for (; r + 8 * TV.Count <= rows; r += 8 * TV.Count) Scatter8<TV>(d + r, ldd, column, value, count, alpha, beta, t + r);
        for (; r + 4 * TV.Count <= rows; r += 4 * TV.Count) Scatter4<TV>(d + r, ldd, column, value, count, alpha, beta, t + r);
        for (; r + TV.Count <= rows; r += TV.Count) Scatter1<TV>(d + r, ldd, column, value, count, alpha, beta, t + r);
        for (; r < rows; r++)
        {
            float sum = 0f;
            for (int e = 0; e < count; e++) sum += d[r + (long)column[e] * ldd] * value[e];
            t[r] = (beta == 0f ? 0f : beta * t[r]) + alpha * sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter8<TV>(float* d, int ldd, int* column, float* value, int count, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV>
    {
        int n = TV.Count;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
        for (int e = 0; e < count; e++)
        {
            float* c = d + (long)column[e] * ldd;
            var x = TV.Broadcast(value[e]);
            a0 = TV.MultiplyAdd(TV.Load(c), x, a0);
            a1 = TV.MultiplyAdd(TV.Load(c + n), x, a1);
            a2 = TV.MultiplyAdd(TV.Load(c + 2 * n), x, a2);
            a3 = TV.MultiplyAdd(TV.Load(c + 3 * n), x, a3);
            a4 = TV.MultiplyAdd(TV.Load(c + 4 * n), x, a4);
            a5 = TV.MultiplyAdd(TV.Load(c + 5 * n), x, a5);
            a6 = TV.MultiplyAdd(TV.Load(c + 6 * n), x, a6);
            a7 = TV.MultiplyAdd(TV.Load(c + 7 * n), x, a7);
        }
        Finish(a0, alpha, beta, t); Finish(a1, alpha, beta, t + n); Finish(a2, alpha, beta, t + 2 * n); Finish(a3, alpha, beta, t + 3 * n);
        Finish(a4, alpha, beta, t + 4 * n); Finish(a5, alpha, beta, t + 5 * n); Finish(a6, alpha, beta, t + 6 * n); Finish(a7, alpha, beta, t + 7 * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter4<TV>(float* d, int ldd, int* column, float* value, int count, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV>
    {
        int n = TV.Count;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
        for (int e = 0; e < count; e++)
        {
            float* c = d + (long)column[e] * ldd;
            var x = TV.Broadcast(value[e]);
            a0 = TV.MultiplyAdd(TV.Load(c), x, a0);
            a1 = TV.MultiplyAdd(TV.Load(c + n), x, a1);
            a2 = TV.MultiplyAdd(TV.Load(c + 2 * n), x, a2);
            a3 = TV.MultiplyAdd(TV.Load(c + 3 * n), x, a3);
        }
        Finish(a0, alpha, beta, t); Finish(a1, alpha, beta, t + n); Finish(a2, alpha, beta, t + 2 * n); Finish(a3, alpha, beta, t + 3 * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter1<TV>(float* d, int ldd, int* column, float* value, int count, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV>
    {
        TV a0 = TV.Zero;
        for (int e = 0; e < count; e++) a0 = TV.MultiplyAdd(TV.Load(d + (long)column[e] * ldd), TV.Broadcast(value[e]), a0);
        Finish(a0, alpha, beta, t);
    }

    // t = beta · t + alpha · sum (t not read when beta is 0)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TV>(TV sum, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV>
    {
        var scale = TV.Broadcast(alpha);
        TV.Store(beta == 0f ? TV.Multiply(sum, scale) : TV.MultiplyAdd(sum, scale, TV.Multiply(TV.Load(t), TV.Broadcast(beta))), t);
    }
}
