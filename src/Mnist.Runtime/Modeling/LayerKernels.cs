using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Modeling;

/// <summary>
/// The element-wise work of a dense layer on a batch (one sample per column, so each column is
/// contiguous): bias and activation forward, activation derivative backward, bias gradients.
/// Vectorised with <see cref="TensorPrimitives"/>; nothing allocates.
/// </summary>
public static class LayerKernels
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
        var values = Gemm.Values(z).AsSpan();
        var b = Gemm.Values(bias).AsSpan();
        int rows = z.RowCount;
        int vectorRows = rows - rows % Vector256<float>.Count;
        for (int j = 0; j < z.ColumnCount; j++)
        {
            var column = values.Slice(j * rows, rows);
            int r = 0;
            for (; r < vectorRows; r += Vector256<float>.Count)
            {
                var sum = Vector256.Create(column.Slice(r, 8)) + Vector256.Create(b.Slice(r, 8));
                Vector256.Max(sum, Vector256<float>.Zero).CopyTo(column.Slice(r, 8));
            }
            for (; r < rows; r++) column[r] = MathF.Max(column[r] + b[r], 0f);
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
        var d = Gemm.Values(delta).AsSpan();
        var a = Gemm.Values(activated).AsSpan(0, d.Length);
        int i = 0;
        for (; i + Vector256<float>.Count <= d.Length; i += Vector256<float>.Count)
        {
            var inactive = Vector256.LessThanOrEqual(Vector256.Create(a.Slice(i, 8)), Vector256<float>.Zero);
            Vector256.AndNot(Vector256.Create(d.Slice(i, 8)), inactive).CopyTo(d.Slice(i, 8));
        }
        for (; i < d.Length; i++)
        {
            if (a[i] <= 0f) d[i] = 0f;
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
