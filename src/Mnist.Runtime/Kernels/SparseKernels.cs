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
        for (; r < rows; r++) t[r] = (beta == 0f ? 0f : beta * t[r]) + alpha * SumRow(d + r, ldd, column, value, count);
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
        Sum4<TV>(d, ldd, column, value, count, out var a0, out var a1, out var a2, out var a3);
        Finish(a0, alpha, beta, t); Finish(a1, alpha, beta, t + n); Finish(a2, alpha, beta, t + 2 * n); Finish(a3, alpha, beta, t + 3 * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter1<TV>(float* d, int ldd, int* column, float* value, int count, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV> =>
        Finish(Sum1<TV>(d, ldd, column, value, count), alpha, beta, t);

    // t = beta · t + alpha · sum (t not read when beta is 0)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TV>(TV sum, float alpha, float beta, float* t) where TV : struct, ISimdVector<TV>
    {
        var scale = TV.Broadcast(alpha);
        TV.Store(beta == 0f ? TV.Multiply(sum, scale) : TV.MultiplyAdd(sum, scale, TV.Multiply(TV.Load(t), TV.Broadcast(beta))), t);
    }

    /// <summary>
    /// For each column p of the weight, <paramref name="rule"/> applied to elements [p · rows, (p + 1) · rows) with that column of
    /// <paramref name="gradient"/>, summed in registers four vectors at a time (an empty sum is a zero gradient): the update of
    /// a first layer from a sparse batch without storing its gradient. Four, not eight as in <see cref="Scatter{TV}"/>: beside
    /// eight sums an optimizer's constants are spilled to memory and reloaded in the loop (Adam's update of the first layer at
    /// batch 32 with its products: 84 µs with eight, 66 with four, 75 through a stored gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScatterUpdate<TV, TRule>(in SparseGradient gradient, TRule rule, byte* resting)
        where TV : struct, ISimdVector<TV> where TRule : struct, IUpdateRule<TV>
    {
        // the pointers in locals: the JIT reloads a field after every store through a pointer
        float* d = gradient.Delta, value = gradient.RowValue;
        int* start = gradient.RowStart, column = gradient.RowColumn;
        int rows = gradient.Rows, columns = gradient.Features, n = TV.Count;
        // resting[p] = 1: column p's state is all +0 (see IUpdateRule.Rests); while no sample has the feature, the update
        // leaves the column as it is and is skipped (67 of MNIST's 784 pixels are 0 in every training image)
        // (no call in the loop: every vector register is the caller's to save across one, and the rule's constants would be
        // spilled and reloaded; the flags' owner clears them when a step does not rest)
        bool rests = resting != null && rule.Rests;
        for (int p = 0; p < columns; p++)
        {
            int first = start[p], count = start[p + 1] - first;
            if (rests && count == 0 && resting[p] != 0) continue;
            int* c = column + first;
            float* x = value + first;
            long at = (long)p * rows;
            int r = 0;
            for (; r + 4 * n <= rows; r += 4 * n)
            {
                Sum4<TV>(d + r, rows, c, x, count, out var a0, out var a1, out var a2, out var a3);
                rule.Apply(at + r, a0); rule.Apply(at + r + n, a1); rule.Apply(at + r + 2 * n, a2); rule.Apply(at + r + 3 * n, a3);
            }
            for (; r + n <= rows; r += n) rule.Apply(at + r, Sum1<TV>(d + r, rows, c, x, count));
            for (; r < rows; r++) rule.Apply(at + r, SumRow(d + r, rows, c, x, count));
            if (rests) resting[p] = count == 0 && rule.AtRest(at, rows) ? (byte)1 : (byte)0;
        }
    }

    // Σ_e d[0..TV.Count, column[e]] · value[e]: one vector of rows
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Sum1<TV>(float* d, int ldd, int* column, float* value, int count) where TV : struct, ISimdVector<TV>
    {
        TV a0 = TV.Zero;
        for (int e = 0; e < count; e++) a0 = TV.MultiplyAdd(TV.Load(d + (long)column[e] * ldd), TV.Broadcast(value[e]), a0);
        return a0;
    }

    // Σ_e d[0, column[e]] · value[e]: one row of a tail shorter than a vector
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumRow(float* d, int ldd, int* column, float* value, int count)
    {
        float sum = 0f;
        for (int e = 0; e < count; e++) sum += d[(long)column[e] * ldd] * value[e];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sum4<TV>(float* d, int ldd, int* column, float* value, int count, out TV a0, out TV a1, out TV a2, out TV a3)
        where TV : struct, ISimdVector<TV>
    {
        int n = TV.Count;
        a0 = TV.Zero; a1 = TV.Zero; a2 = TV.Zero; a3 = TV.Zero;
        for (int e = 0; e < count; e++)
        {
            float* c = d + (long)column[e] * ldd;
            var x = TV.Broadcast(value[e]);
            a0 = TV.MultiplyAdd(TV.Load(c), x, a0);
            a1 = TV.MultiplyAdd(TV.Load(c + n), x, a1);
            a2 = TV.MultiplyAdd(TV.Load(c + 2 * n), x, a2);
            a3 = TV.MultiplyAdd(TV.Load(c + 3 * n), x, a3);
        }
    }
}

/// <summary>
/// A first layer's weight gradient <c>δ · Xᵀ</c> for a sparse batch, as the pointers <see cref="SparseKernels.ScatterUpdate{TV, TRule}"/>
/// reads (pinned by the caller): the errors δ (rows × samples, column-major) and the batch's nonzeros feature by feature.
/// </summary>
internal readonly unsafe struct SparseGradient(float* delta, int rows, int* rowStart, int* rowColumn, float* rowValue, int features)
{
    public float* Delta => delta;

    /// <summary>Elements per weight column (the layer's outputs).</summary>
    public int Rows => rows;

    /// <summary>Feature p's samples and values are at RowColumn/RowValue[RowStart[p] .. RowStart[p + 1]).</summary>
    public int* RowStart => rowStart;

    public int* RowColumn => rowColumn;

    public float* RowValue => rowValue;

    /// <summary>Weight columns (the layer's inputs).</summary>
    public int Features => features;
}

/// <summary>
/// An update applied a weight column at a time straight from the registers in which a sparse product sums the column's
/// gradient (<see cref="SparseKernels.ScatterUpdate{TV, TRule}"/>): the optimizers of this library. Other
/// <see cref="IParameterUpdate"/>s get the gradient in blocks through a scratch buffer (<see cref="SparseProducts.UpdateTransposed"/>).
/// </summary>
internal interface ISparseUpdate
{
    /// <summary>This step's update of <paramref name="weights"/> (parameter number <paramref name="parameter"/>, all of it) along <paramref name="gradient"/>.</summary>
    void Update(int parameter, in SparseGradient gradient, Span<float> weights);
}
