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
