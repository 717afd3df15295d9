using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>Each backend against a double-precision reference product.</summary>
public class GemmBackendTests
{
    public static TheoryData<string, bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<string, bool, bool, int, int, int>();
        var shapes = new (int M, int N, int K)[]
        {
            (1, 1, 1), (3, 5, 7), (17, 13, 19), (16, 6, 1), (33, 7, 100), (10, 32, 128),
            (128, 32, 784), (128, 784, 32), (10, 128, 32), (128, 32, 10), (5, 1001, 3),
        };
        foreach (string backend in new[] { "simd", "mkl", "openblas", "managed" })
            foreach (var (m, n, k) in shapes)
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        data.Add(backend, ta, tb, m, n, k);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Product_equals_the_double_reference(string backend, bool transposeA, bool transposeB, int m, int n, int k)
    {
        var gemm = Backends.Get(backend);
        var random = new Random(m * 1000 + n * 10 + k);
        float[] a = Random(random, m * k), b = Random(random, k * n), c = Random(random, m * n);
        int lda = transposeA ? k : m, ldb = transposeB ? n : k;
        const float alpha = 0.75f, beta = -0.5f;
        var expected = Reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c);

        gemm.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, m);

        AssertRelativeError(expected, c);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void Beta_zero_ignores_whatever_c_held(string backend)
    {
        var gemm = Backends.Get(backend);
        var random = new Random(1);
        float[] a = Random(random, 20 * 9), b = Random(random, 9 * 11);
        var c = Enumerable.Repeat(float.NaN, 20 * 11).ToArray();
        var expected = Reference(false, false, 20, 11, 9, 1f, a, 20, b, 9, 0f, new float[20 * 11]);
        gemm.Sgemm(false, false, 20, 11, 9, 1f, a, 20, b, 9, 0f, c, 20);
        AssertRelativeError(expected, c);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Names), MemberType = typeof(Backends))]
    public void Two_threads_give_the_same_large_product(string backend)
    {
        var gemm = Backends.Get(backend, threads: 2);
        var random = new Random(2);
        int m = 128, n = 1000, k = 784;
        float[] a = Random(random, m * k), b = Random(random, k * n), c = new float[m * n];
        var expected = Reference(false, false, m, n, k, 1f, a, m, b, k, 0f, c);
        gemm.Sgemm(false, false, m, n, k, 1f, a, m, b, k, 0f, c, m);
        AssertRelativeError(expected, c);
    }

    [Fact]
    public void Missing_native_library_names_the_library_and_its_debian_package()
    {
        var fake = new NativeBlasLibrary("fake", "Fake BLAS", ["libmnist-no-such-blas.so"], "set_threads", "libfake-blas");
        Assert.Null(NativeBlasBackend.TryLoad(fake, 1, out string reason));
        Assert.Equal("libmnist-no-such-blas.so not found (Debian package libfake-blas)", reason);
    }

    [Theory]
    [InlineData("auto", BlasBackendKind.Auto)]
    [InlineData("MKL", BlasBackendKind.Mkl)]
    [InlineData("openblas", BlasBackendKind.OpenBlas)]
    [InlineData(" simd ", BlasBackendKind.Simd)]
    [InlineData("managed", BlasBackendKind.Managed)]
    [InlineData("cuda", null)]
    public void Backend_names_parse(string name, BlasBackendKind? expected) => Assert.Equal(expected, BlasBackends.Parse(name));

    internal static float[] Random(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    internal static double[] Reference(bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c)
    {
        var result = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)(ta ? a[p + i * lda] : a[i + p * lda]) * (tb ? b[j + p * ldb] : b[p + j * ldb]);
                result[i + j * m] = alpha * sum + (beta == 0 ? 0 : beta * (double)c[i + j * m]);
            }
        return result;
    }

    internal static void AssertRelativeError(double[] expected, float[] actual)
    {
        // norm-wise: the largest error against the largest magnitude; float sums of up to 784
        // products stay near sqrt(k)·2^-24 ≈ 2e-6 of that, so 1e-5 catches any real mistake
        double scale = Math.Max(expected.Max(Math.Abs), 1e-30);
        double worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(worst / scale <= 1e-5, $"relative error {worst / scale:E2}");
    }
}
