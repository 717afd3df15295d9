using BenchmarkDotNet.Attributes;
using Mnist.LinearAlgebra;

namespace Mnist.Benchmarks;

/// <summary>
/// The model's matrix products at batch 32 and the evaluation product, per backend and thread
/// count. GFLOP/s = 2·M·N·K / time; this CPU's fp32 FMA peak is 32 flop/cycle per core with AVX2
/// (64 with AVX-512).
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private IGemmBackend _backend = null!;
    private float[] _a = null!, _b = null!, _c = null!;

    [Params("simd", "mkl", "openblas", "managed")]
    public string Backend { get; set; } = "simd";

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params("NN 128x32x784", "NT 128x784x32", "NN 10x32x128", "TN 128x32x10", "NN 128x1000x784")]
    public string Shape { get; set; } = "NN 128x32x784";

    private bool _ta, _tb;
    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        _backend = BlasBackends.Create(BlasBackends.Parse(Backend)!.Value, Threads);
        _ta = Shape[0] == 'T';
        _tb = Shape[1] == 'T';
        var sizes = Shape[3..].Split('x').Select(int.Parse).ToArray();
        (_m, _n, _k) = (sizes[0], sizes[1], sizes[2]);
        var random = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[_m * _n];
    }

    [Benchmark]
    public void Sgemm() => _backend.Sgemm(_ta, _tb, _m, _n, _k, 1f, _a, _ta ? _k : _m, _b, _tb ? _n : _k, 0f, _c, _m);
}
