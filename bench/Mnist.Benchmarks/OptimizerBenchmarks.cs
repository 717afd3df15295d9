using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Training;

namespace Mnist.Benchmarks;

/// <summary>
/// One training step at batch 32 (forward, loss, backward, update) per optimizer, against the fused plain
/// SGD step, and each optimizer's update pass alone over the 784-128-10 parameters (issue 13's target:
/// an Adam step at most 1.3× a fused SGD step).
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private BenchmarkNetwork _network = null!;
    private BenchmarkNetwork.Workspace _workspace = null!;
    private Matrix<float> _batch = null!;
    private int[] _labels = null!;
    private Optimizer _optimizer = null!;

    [Params("sgd", "momentum", "adam", "adamw")]
    public string Optimizer { get; set; } = "sgd";

    [Params("simd", "openblas")]
    public string Backend { get; set; } = "simd";

    [GlobalSetup]
    public void Setup()
    {
        BlasBackends.Install(BlasBackends.Create(BlasBackends.Parse(Backend)!.Value, threads: 1));
        var data = RealData.Dataset;
        _network = new BenchmarkNetwork(seed: 0);
        _workspace = _network.CreateWorkspace(32);
        _batch = Matrix<float>.Build.Dense(784, 32);
        _labels = new int[32];
        var indices = new int[32];
        new RandomBatchSampler(data.Train.Count, 1).Next(indices);
        BatchLoader.Load(data.Train, indices, _batch, _labels);
        // tiny rates: the weights stay where they are over millions of iterations
        _optimizer = Optimizer switch
        {
            "sgd" => new Sgd(1e-6f),
            "momentum" => new Sgd(1e-6f, 0.9f),
            "adam" => new Adam(1e-7f),
            _ => new AdamW(1e-7f),
        };
        _optimizer.Step(_network, _batch, _labels, _workspace);
    }

    /// <summary>Forward, loss, backward and this optimizer's update of one batch of 32.</summary>
    [Benchmark]
    public float Step() => _optimizer.Step(_network, _batch, _labels, _workspace);

    /// <summary>Forward, loss and the whole gradient into the workspace, no update: what an update adds to it is the rest of a step.</summary>
    [Benchmark]
    public void LossAndBackward()
    {
        _network.Loss(_batch, _labels, _workspace);
        _network.Backward(_labels, _workspace);
    }

    /// <summary>The update pass alone, from the gradients of the last step (plain SGD's separate pass, which its fused step does not take).</summary>
    [Benchmark]
    public void Update() => _optimizer.Apply(_network.Parameters, _workspace.Gradients);
}
