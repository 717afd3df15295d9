using BenchmarkDotNet.Attributes;
using Mnist.Training;

namespace Mnist.Benchmarks;

/// <summary>One random affine transform of a 28×28 training image (<c>--augment</c>): a batch of 128 needs 128 of them per step, on the batch-preparation thread.</summary>
[MemoryDiagnoser]
public class AugmentationBenchmarks
{
    private readonly Augmentation _augmentation = new(0);
    private readonly byte[] _destination = new byte[784];
    private Data.MnistSplit _train = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => _train = RealData.Dataset.Train;

    [Benchmark]
    public byte Transform()
    {
        int i = _next++ % 1000;
        _augmentation.Apply(_train.Image(i), _destination, _train.Shape, i / 128, i % 128);
        return _destination[400];
    }
}
