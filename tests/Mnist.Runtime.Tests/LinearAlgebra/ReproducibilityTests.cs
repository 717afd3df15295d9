using Mnist.LinearAlgebra;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>
/// A product's bits do not depend on where the GC put its arrays. MKL picks code paths by alignment unless it
/// runs with conditional numerical reproducibility: without it the same seeded training gave different weights
/// from one process to the next, and a resumed run was not bit-identical to an uninterrupted one.
/// </summary>
public class ReproducibilityTests
{
    // the MLP's and the convnet's products at batch 32 (forward, weight gradient, input gradient)
    public static TheoryData<string, bool, bool, int, int, int> Cases()
    {
        var data = new TheoryData<string, bool, bool, int, int, int>();
        var shapes = new (bool TransposeA, bool TransposeB, int M, int N, int K)[]
        {
            (false, false, 128, 32, 784), (false, true, 128, 784, 32), (true, false, 128, 32, 10), (false, false, 10, 32, 128),
            (false, false, 64, 121 * 4, 288), (true, false, 288, 121 * 4, 64),
        };
        foreach (string backend in new[] { "simd", "mkl", "openblas", "managed" })
            foreach (var (ta, tb, m, n, k) in shapes)
                data.Add(backend, ta, tb, m, n, k);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public unsafe void The_same_product_at_every_alignment_gives_the_same_bits(string backend, bool transposeA, bool transposeB, int m, int n, int k)
    {
        var gemm = Backends.Get(backend);
        var random = new Random(m + n + k);
        float[] a = GemmBackendTests.Random(random, m * k), b = GemmBackendTests.Random(random, k * n);
        int lda = transposeA ? k : m, ldb = transposeB ? n : k;

        // pinned copies of the same operands at 16 different placements (the byte offsets of A, B and C past a
        // 64-byte line: a float[]'s elements are 8-byte aligned), each product compared with the first
        float[]? first = null;
        var seen = new HashSet<long>();
        var keep = new List<float[]>();
        for (int attempt = 0; attempt < 1000 && seen.Count < 16; attempt++)
        {
            var (pa, pb, pc) = (GC.AllocateArray<float>(a.Length, pinned: true), GC.AllocateArray<float>(b.Length, pinned: true), GC.AllocateArray<float>(m * n, pinned: true));
            keep.AddRange([pa, pb, pc]);
            (long A, long B, long C) offsets;
            fixed (float* x = pa, y = pb, z = pc) offsets = ((long)x % 64, (long)y % 64, (long)z % 64);
            if (!seen.Add(offsets.A + 64 * offsets.B + 4096 * offsets.C)) continue;
            a.CopyTo(pa);
            b.CopyTo(pb);
            gemm.Sgemm(transposeA, transposeB, m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, m);
            first ??= pc;
            Assert.True(first.AsSpan().SequenceEqual(pc), $"{backend}: A, B, C at {offsets} bytes past a 64-byte line gave other bits than the first product");
        }
        Assert.True(seen.Count >= 4, $"the allocator gave {seen.Count} placements only: too few compared");
    }
}
