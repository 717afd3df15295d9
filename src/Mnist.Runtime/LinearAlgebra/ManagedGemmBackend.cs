using MathNet.Numerics.Providers.LinearAlgebra;

namespace Mnist.LinearAlgebra;

/// <summary>
/// MathNet's own managed matrix product, as a reference: 25–40× slower than the others and it
/// allocates per call. Only arrays with ld equal to the row count are supported, which is all
/// that MathNet and the generated code pass.
/// </summary>
public sealed class ManagedGemmBackend : IGemmBackend
{
    private long _calls;

    /// <inheritdoc />
    public string Name => "managed";

    /// <inheritdoc />
    public string Description => "MathNet.Numerics managed provider (reference only)";

    /// <inheritdoc />
    public int Threads => 1;

    /// <inheritdoc />
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc />
    public void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        Interlocked.Increment(ref _calls);
        ManagedLinearAlgebraProvider.Instance.MatrixMultiplyWithUpdate(
            transposeA ? Transpose.Transpose : Transpose.DontTranspose, transposeB ? Transpose.Transpose : Transpose.DontTranspose,
            alpha, a, transposeA ? k : m, transposeA ? m : k, b, transposeB ? n : k, transposeB ? k : n, beta, c);
    }
}
