using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Kernels;

/// <summary>
/// The element-wise work of a dense layer on a batch (one sample per column, so each column is
/// contiguous): bias and activation forward, activation derivative backward, bias gradients.
/// Vectorised at every width (<see cref="ISimdVector{TSelf}"/>, <see cref="TensorPrimitives"/>); nothing
/// allocates. For generated code.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class DenseKernels
{
    /// <summary>
    /// output = weight · input, the layer's product before bias and activation. A batch goes to the BLAS backend
    /// (<see cref="Gemm"/>); one sample (<see cref="Tuning.DenseDirectColumns"/>) is a matrix-vector product computed here:
    /// the convnet's 1600 -> 10 layer took 5.6–5.9 µs of one image on MKL and OpenBLAS and 16 µs on the SIMD GEMM (which
    /// packs all of A for one column), ~1 µs directly.
    /// </summary>
    public static void Multiply(Matrix<float> weight, Matrix<float> input, Matrix<float> output)
    {
        int m = weight.RowCount, k = weight.ColumnCount, columns = input.ColumnCount;
        int width = SimdWidth.Floats;
        while (width > m && width > 1) width = width == 4 ? 1 : width / 2;
        if (columns > Tuning.DenseDirectColumns || width > m)
        {
            Gemm.Multiply(MathNet.Numerics.Providers.LinearAlgebra.Transpose.DontTranspose, MathNet.Numerics.Providers.LinearAlgebra.Transpose.DontTranspose, 1f, weight, input, 0f, output);
            return;
        }
        if (input.RowCount != k || output.RowCount != m || output.ColumnCount != columns)
            throw new ArgumentException($"weight {m}x{k} · input {input.RowCount}x{columns} does not fit output {output.RowCount}x{output.ColumnCount}");
        var kernel = new MatrixVector(Gemm.Values(weight), Gemm.Values(input), Gemm.Values(output), m, k, columns);
        switch (width)
        {
            case 16: kernel.Run<Vector512Ops>(); break;
            case 8: kernel.Run<Vector256Ops>(); break;
            case 4: kernel.Run<Vector128Ops>(); break;
            default: kernel.Run<ScalarOps>(); break;
        }
    }

    // y = Σ_p W[:, p] x[p] for each column x of the input (W column-major, m ≥ the width): vectors of rows two at a time,
    // even and odd p in separate accumulators (four chains of multiply-adds in flight). A last vector that does not fill
    // is taken at m - width, overlapping the one before: its shared rows get the same sums, in the same order.
    private readonly unsafe struct MatrixVector(float[] weight, float[] input, float[] output, int m, int k, int columns) : ISimdKernel
    {
        // optimized at its first call: only one-image predictions take this kernel, and its tier-0 code (vector operations
        // not inlined) made the convnet's image ~140 µs instead of ~46 for its first ~0.2 s of predictions (a server's first requests)
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int c = TV.Count, vectors = (m + c - 1) / c;
            fixed (float* w = weight, x = input, y = output)
            {
                for (int j = 0; j < columns; j++)
                {
                    float* xj = x + (long)j * k, yj = y + (long)j * m;
                    for (int v = 0; v < vectors; v += 2)
                    {
                        int r0 = Math.Min(v * c, m - c), r1 = Math.Min((v + 1) * c, m - c);
                        TV a0 = TV.Zero, a1 = TV.Zero, b0 = TV.Zero, b1 = TV.Zero;
                        int p = 0;
                        for (; p + 1 < k; p += 2)
                        {
                            float* even = w + (long)p * m, odd = even + m;
                            TV x0 = TV.Broadcast(xj[p]), x1 = TV.Broadcast(xj[p + 1]);
                            a0 = TV.MultiplyAdd(TV.Load(even + r0), x0, a0);
                            a1 = TV.MultiplyAdd(TV.Load(even + r1), x0, a1);
                            b0 = TV.MultiplyAdd(TV.Load(odd + r0), x1, b0);
                            b1 = TV.MultiplyAdd(TV.Load(odd + r1), x1, b1);
                        }
                        if (p < k)
                        {
                            float* last = w + (long)p * m;
                            TV x0 = TV.Broadcast(xj[p]);
                            a0 = TV.MultiplyAdd(TV.Load(last + r0), x0, a0);
                            a1 = TV.MultiplyAdd(TV.Load(last + r1), x0, a1);
                        }
                        TV.Store(TV.Add(a0, b0), yj + r0);
                        TV.Store(TV.Add(a1, b1), yj + r1);
                    }
                }
            }
        }
    }

    /// <summary>Z[:, j] += bias for every column j.</summary>
    public static void AddBias(Matrix<float> z, Vector<float> bias)
    {
        var values = Gemm.Values(z).AsSpan();
        var b = Gemm.Values(bias).AsSpan();
        int rows = z.RowCount;
        for (int j = 0; j < z.ColumnCount; j++)
        {
            var column = values.Slice(j * rows, rows);
            TensorPrimitives.Add(column, b, column);
        }
    }

    /// <summary>A = max(0, Z + bias), in place: one pass, no call per column.</summary>
    public static void AddBiasReLU(Matrix<float> z, Vector<float> bias)
    {
        var kernel = new BiasReLU(Gemm.Values(z), Gemm.Values(bias), z.RowCount, z.ColumnCount);
        SimdWidth.Run(ref kernel);
    }

    private readonly unsafe struct BiasReLU(float[] values, float[] bias, int rows, int columns) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            int vectorRows = rows - rows % TV.Count;
            fixed (float* z = values, b = bias)
            {
                for (int j = 0; j < columns; j++)
                {
                    float* column = z + (long)j * rows;
                    int r = 0;
                    for (; r < vectorRows; r += TV.Count)
                        TV.Store(TV.Max(TV.Add(TV.Load(column + r), TV.Load(b + r)), TV.Zero), column + r);
                    for (; r < rows; r++) column[r] = MathF.Max(column[r] + b[r], 0f);
                }
            }
        }
    }

    /// <summary>values = activation(values), in place (the convolutions apply it after their bias).</summary>
    internal static void Activate(Span<float> values, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU: TensorPrimitives.Max(values, 0f, values); break;
            case Activation.Tanh: TensorPrimitives.Tanh(values, values); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(values, values); break;
        }
    }

    /// <summary>A = tanh(Z + bias), in place.</summary>
    public static void AddBiasTanh(Matrix<float> z, Vector<float> bias)
    {
        AddBias(z, bias);
        var values = Gemm.Values(z).AsSpan();
        TensorPrimitives.Tanh(values, values);
    }

    /// <summary>A = sigmoid(Z + bias), in place.</summary>
    public static void AddBiasSigmoid(Matrix<float> z, Vector<float> bias)
    {
        AddBias(z, bias);
        var values = Gemm.Values(z).AsSpan();
        TensorPrimitives.Sigmoid(values, values);
    }

    /// <summary>delta *= relu'(Z), expressed through the activation A: 1 where A &gt; 0, else 0.</summary>
    public static void ReLUBackward(Matrix<float> delta, Matrix<float> activated)
    {
        var d = Gemm.Values(delta);
        var kernel = new ReLUDerivative(d, Gemm.Values(activated), delta.RowCount * delta.ColumnCount);
        SimdWidth.Run(ref kernel);
    }

    private readonly unsafe struct ReLUDerivative(float[] delta, float[] activated, int length) : ISimdKernel
    {
        public void Run<TV>() where TV : struct, ISimdVector<TV>
        {
            fixed (float* d = delta, a = activated)
            {
                int i = 0;
                for (; i + TV.Count <= length; i += TV.Count) TV.Store(TV.WherePositive(TV.Load(d + i), TV.Load(a + i)), d + i);
                for (; i < length; i++) if (a[i] <= 0f) d[i] = 0f;
            }
        }
    }

    /// <summary>delta *= 1 - A².</summary>
    public static void TanhBackward(Matrix<float> delta, Matrix<float> activated)
    {
        var d = Gemm.Values(delta).AsSpan();
        var a = Gemm.Values(activated).AsSpan(0, d.Length);
        for (int i = 0; i < d.Length; i++) d[i] *= 1f - a[i] * a[i];
    }

    /// <summary>delta *= A (1 - A).</summary>
    public static void SigmoidBackward(Matrix<float> delta, Matrix<float> activated)
    {
        var d = Gemm.Values(delta).AsSpan();
        var a = Gemm.Values(activated).AsSpan(0, d.Length);
        for (int i = 0; i < d.Length; i++) d[i] *= a[i] * (1f - a[i]);
    }

    /// <summary>result = sum of the columns of delta, scaled: result = beta·result + alpha·Σ_j delta[:, j].</summary>
    public static void AccumulateRowSums(float alpha, Matrix<float> delta, float beta, Vector<float> result)
    {
        var r = Gemm.Values(result).AsSpan();
        var d = Gemm.Values(delta).AsSpan();
        int rows = delta.RowCount;
        if (beta == 0f) r.Clear();
        else if (beta != 1f) TensorPrimitives.Multiply(r, beta, r);
        for (int j = 0; j < delta.ColumnCount; j++)
            TensorPrimitives.MultiplyAdd(d.Slice(j * rows, rows), alpha, r, r);
    }
}
