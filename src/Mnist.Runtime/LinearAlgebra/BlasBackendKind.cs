namespace Mnist.LinearAlgebra;

/// <summary>Which implementation runs the matrix products (<c>--blas</c>, <c>MNIST_BLAS</c>).</summary>
public enum BlasBackendKind
{
    /// <summary>The fastest that loads, measured on the model's own shapes.</summary>
    Auto,
    /// <summary>Intel MKL (<c>libmkl_rt.so</c>).</summary>
    Mkl,
    /// <summary>OpenBLAS (<c>libopenblas.so.0</c>).</summary>
    OpenBlas,
    /// <summary>Our SIMD kernel: no native dependency.</summary>
    Simd,
    /// <summary>MathNet's managed code, for reference.</summary>
    Managed,
}
