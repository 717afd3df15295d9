using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Benchmarks;

/// <summary>TrainStep at batch 32, Forward of the whole test set in one call, and one-image Predict, per backend.</summary>
[MemoryDiagnoser]
public class NetworkBenchmarks
{
    private BenchmarkNetwork _network = null!;
    private BenchmarkNetwork.Workspace _batchWorkspace = null!, _testWorkspace = null!, _oneWorkspace = null!;
    private Matrix<float> _batch = null!, _test = null!, _one = null!;
    private int[] _labels = null!, _testPredictions = null!, _onePrediction = null!;

    [Params("simd", "mkl", "openblas", "managed")]
    public string Backend { get; set; } = "simd";

    [Params(true, false)]
    public bool SkipZeroInputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        BlasBackends.Install(BlasBackends.Create(BlasBackends.Parse(Backend)!.Value, threads: 1));
        var data = RealData.Dataset;
        _network = new BenchmarkNetwork(seed: 0);
        _batchWorkspace = _network.CreateWorkspace(32);
        _testWorkspace = _network.CreateWorkspace(data.Test.Count);
        _oneWorkspace = _network.CreateWorkspace(1);
        foreach (var w in new[] { _batchWorkspace, _testWorkspace, _oneWorkspace }) w.SkipZeroInputs = SkipZeroInputs;
        _batch = Matrix<float>.Build.Dense(784, 32);
        _labels = new int[32];
        var indices = new int[32];
        new RandomBatchSampler(data.Train.Count, 1).Next(indices);
        BatchLoader.Load(data.Train, indices, _batch, _labels);
        _test = Matrix<float>.Build.Dense(784, data.Test.Count);
        BatchLoader.LoadRange(data.Test, 0, _test, new int[data.Test.Count]);
        _testPredictions = new int[data.Test.Count];
        _one = Matrix<float>.Build.Dense(784, 1);
        BatchLoader.Scale(data.Test.Image(0), Mnist.Kernels.Gemm.Values(_one));
        _onePrediction = new int[1];
    }

    /// <summary>
    /// Forward, loss, backward and SGD update of one batch of 32. The learning rate is tiny, not 0:
    /// BLAS libraries skip a product whose alpha is 0, which would leave out the weight update.
    /// </summary>
    [Benchmark]
    public float TrainStep() => _network.TrainStep(_batch, _labels, 1e-6f, _batchWorkspace);

    /// <summary>Logits of all 10,000 test images in one call.</summary>
    [Benchmark]
    public Matrix<float> ForwardTestSet() => _network.Forward(_test, _testWorkspace);

    /// <summary>Class of one image.</summary>
    [Benchmark]
    public int PredictOne()
    {
        _network.Predict(_one, _onePrediction, _oneWorkspace);
        return _onePrediction[0];
    }
}
