namespace Mnist.LinearAlgebra;

/// <summary>
/// A single-precision matrix product in BLAS's column-major convention:
/// <c>C = alpha · op(A) · op(B) + beta · C</c>, op(A) m×k, op(B) k×n, C m×n, with leading
/// dimensions lda, ldb, ldc. When beta is 0, C is not read.
/// </summary>
public interface IGemmBackend
{
    /// <summary>Short name: <c>mkl</c>, <c>openblas</c>, <c>simd</c>, <c>managed</c>.</summary>
    string Name { get; }

    /// <summary>What it is and where it came from, e.g. the library path and the instruction set.</summary>
    string Description { get; }

    /// <summary>Most threads one product may use.</summary>
    int Threads { get; }

    /// <summary>Number of products computed since creation (proves which path ran).</summary>
    long Calls { get; }

    /// <summary>Computes the product.</summary>
    void Sgemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc);
}
