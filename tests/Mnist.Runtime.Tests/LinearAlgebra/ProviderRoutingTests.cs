using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>MathNet's in-place products reach the installed backend: no silent fallback.</summary>
[Collection(ProviderCollection.Name)]
public sealed class ProviderRoutingTests : RestoresProvider
{
    [SkippableTheory]
    [MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void Matrix_products_run_on_the_installed_backend(string name)
    {
        var backend = Backends.Get(name);
        BlasBackends.Install(backend);
        var random = new Random(3);
        var a = Matrix<float>.Build.Dense(7, 5, (_, _) => (float)random.NextDouble());
        var b = Matrix<float>.Build.Dense(5, 4, (_, _) => (float)random.NextDouble());
        var c = Matrix<float>.Build.Dense(7, 4);
        var bt = b.Transpose();

        a.Multiply(b, c);
        Assert.Equal(1, backend.Calls);
        a.Transpose().TransposeThisAndMultiply(b, c);
        Assert.Equal(2, backend.Calls);
        a.TransposeAndMultiply(bt, c);
        Assert.Equal(3, backend.Calls);
        Mnist.Kernels.Gemm.Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, a, b, 0f, c);
        Assert.Equal(4, backend.Calls);

        var expected = GemmBackendTests.Reference(false, false, 7, 4, 5, 1f, a.ToColumnMajorArray(), 7, b.ToColumnMajorArray(), 5, 0f, new float[28]);
        GemmBackendTests.AssertRelativeError(expected, c.ToColumnMajorArray());
        Assert.Contains(name, LinearAlgebraControl.Provider.ToString());
    }

    [Fact]
    public void Mismatched_dimensions_are_refused_before_reaching_native_code()
    {
        var provider = new BlasLinearAlgebraProvider(new SimdGemmBackend());
        var e = Assert.Throws<ArgumentException>(() =>
            provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, new float[6], 2, 3, new float[8], 4, 2, 0f, new float[4]));
        Assert.Equal("inner dimensions differ: op(A) is 2x3, op(B) is 4x2", e.Message);
    }
}
