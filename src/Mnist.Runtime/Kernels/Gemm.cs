using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Single;
using MathNet.Numerics.Providers.LinearAlgebra;
using MathNet.Numerics;

namespace Mnist.Kernels;

/// <summary>
/// <c>C = alpha · op(A) · op(B) + beta · C</c> on dense single-precision matrices, through MathNet's
/// current linear-algebra provider (so through whichever BLAS backend is installed). Allocation-free
/// when the provider is; <c>beta = 1</c> accumulates into C, which is how SGD folds its update into
/// the weight-gradient product. For generated code and the runtime's kernels.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class Gemm
{
    /// <summary>Computes <c>C = alpha · op(A) · op(B) + beta · C</c>.</summary>
    public static void Multiply(Transpose transposeA, Transpose transposeB, float alpha, Matrix<float> a, Matrix<float> b, float beta, Matrix<float> c) =>
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            transposeA, transposeB, alpha,
            Values(a), a.RowCount, a.ColumnCount,
            Values(b), b.RowCount, b.ColumnCount,
            beta, Values(c));

    /// <summary>Threads a large product may use: those of the installed backend, else 1.</summary>
    public static int Threads => LinearAlgebraControl.Provider is Mnist.LinearAlgebra.BlasLinearAlgebraProvider provider ? provider.Backend.Threads : 1;

    /// <summary>The column-major backing array of a dense matrix.</summary>
    public static float[] Values(Matrix<float> matrix) =>
        (matrix as DenseMatrix ?? throw new ArgumentException("expected a dense matrix", nameof(matrix))).Values;

    /// <summary>The backing array of a dense vector.</summary>
    public static float[] Values(Vector<float> vector) =>
        (vector as DenseVector ?? throw new ArgumentException("expected a dense vector", nameof(vector))).Values;
}
