using MathNet.Numerics.Providers.LinearAlgebra;

namespace Mnist.LinearAlgebra;

/// <summary>
/// MathNet's linear-algebra provider with the single-precision matrix products taken over by an
/// <see cref="IGemmBackend"/>; every other member goes to MathNet's managed provider (which is
/// sealed, hence the forwarding in the <c>.Forwarding.cs</c> part). Install it with
/// <see cref="BlasBackends.Use"/>; then <c>Matrix&lt;float&gt;.Multiply(other, result)</c>,
/// <c>TransposeThisAndMultiply</c>, <c>TransposeAndMultiply</c> and the generated networks run on the backend.
/// </summary>
public sealed partial class BlasLinearAlgebraProvider(IGemmBackend backend) : ILinearAlgebraProvider
{
    private static ManagedLinearAlgebraProvider Managed => ManagedLinearAlgebraProvider.Instance;

    /// <summary>The backend the products run on.</summary>
    public IGemmBackend Backend => backend;

    /// <inheritdoc />
    public override string ToString() => $"Mnist BLAS provider ({backend.Name}: {backend.Description})";

    /// <summary>result = x · y, reached by <c>Matrix&lt;float&gt;.Multiply(other, result)</c>.</summary>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <summary>c = alpha · op(a) · op(b) + beta · c, reached by the transposing products and by <c>Mnist.Modeling.Gemm</c>.</summary>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA, int columnsA,
        float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        bool ta = transposeA != Transpose.DontTranspose;
        bool tb = transposeB != Transpose.DontTranspose;
        int m = ta ? columnsA : rowsA;
        int k = ta ? rowsA : columnsA;
        int kb = tb ? columnsB : rowsB;
        int n = tb ? rowsB : columnsB;
        // The native libraries trust these numbers with raw pointers: check them all here.
        if (k != kb) throw new ArgumentException($"inner dimensions differ: op(A) is {m}x{k}, op(B) is {kb}x{n}");
        if (a.Length < (long)rowsA * columnsA || b.Length < (long)rowsB * columnsB || c.Length < (long)m * n)
            throw new ArgumentException("an array is shorter than its matrix dimensions");
        if (m == 0 || n == 0) return;
        backend.Sgemm(ta, tb, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, c, Math.Max(1, m));
    }
}
