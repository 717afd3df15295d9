using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Benchmarks;

/// <summary>
/// Our SIMD kernels at every vector width on one machine: the same benchmarks in four processes, AVX-512
/// on (Vector512), off (Vector256), AVX2 off (Vector128) and intrinsics off (scalar). GFLOP/s of a product
/// = 2·M·N·K / time. A training step is on the simd backend with the sparse first layer.
/// </summary>
[Config(typeof(Widths))]
[MemoryDiagnoser]
public class WidthBenchmarks
{
    private sealed class Widths : ManualConfig
    {
        public Widths()
        {
            var job = Job.ShortRun;
            AddJob(job.WithId("Vector512"));
            AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0"), new EnvironmentVariable("DOTNET_EnableAVX512F", "0")).WithId("Vector256"));
            AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")).WithId("Vector128"));
            AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")).WithId("scalar"));
        }
    }

    private IGemmBackend _backend = null!;
    private float[] _a = null!, _b = null!, _c = null!;
    private int _m, _n, _k;
    private BenchmarkNetwork _network = null!;
    private BenchmarkNetwork.Workspace _workspace = null!;
    private Matrix<float> _batch = null!;
    private int[] _labels = null!;

    [Params("NN 128x32x784", "NN 10x32x128", "NN 128x1000x784")]
    public string Shape { get; set; } = "NN 128x32x784";

    [GlobalSetup]
    public void Setup()
    {
        _backend = new SimdGemmBackend(1);
        var sizes = Shape[3..].Split('x').Select(int.Parse).ToArray();
        (_m, _n, _k) = (sizes[0], sizes[1], sizes[2]);
        var random = new Random(1);
        _a = Enumerable.Range(0, _m * _k).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[_m * _n];

        BlasBackends.Install(new SimdGemmBackend(1));
        var data = RealData.Dataset;
        _network = new BenchmarkNetwork(seed: 0);
        _workspace = _network.CreateWorkspace(32);
        _batch = Matrix<float>.Build.Dense(784, 32);
        _labels = new int[32];
        var indices = new int[32];
        new RandomBatchSampler(data.Train.Count, 1).Next(indices);
        BatchLoader.Load(data.Train, indices, _batch, _labels);
    }

    [Benchmark]
    public void Sgemm() => _backend.Sgemm(false, false, _m, _n, _k, 1f, _a, _m, _b, _k, 0f, _c, _m);

    /// <summary>Forward, loss, backward and SGD update of one batch of 32 (the shape parameter does not apply).</summary>
    [Benchmark]
    public float TrainStep() => _network.TrainStep(_batch, _labels, 1e-6f, _workspace);
}
