using MathNet.Numerics.LinearAlgebra;
using Mnist.LinearAlgebra;
using Mnist.Runtime.Tests.Modeling;
using Mnist.Runtime.Tests.Training;
using Mnist.Training;

namespace Mnist.Runtime.Tests.LinearAlgebra;

/// <summary>The generated network on each fast backend: no allocation per step, and the same training on every backend.</summary>
[Collection(ProviderCollection.Name)]
public sealed class AllocationAndParityTests : RestoresProvider
{
    public static TheoryData<string> FastBackends => new() { "simd", "mkl", "openblas" };

    [SkippableTheory]
    [MemberData(nameof(FastBackends))]
    public void TrainStep_and_Forward_allocate_nothing_after_warm_up(string backend)
    {
        BlasBackends.Install(Backends.Get(backend, threads: 1));
        var network = new SeedNetwork(1);
        var workspace = network.CreateWorkspace(32);
        var (inputs, labels) = Batch(32);
        for (int i = 0; i < 20; i++) network.TrainStep(inputs, labels, 0.1f, workspace);
        network.Forward(inputs, workspace);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) network.TrainStep(inputs, labels, 0.1f, workspace);
        long afterTraining = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) network.Forward(inputs, workspace);
        long afterForward = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, afterTraining - before);
        Assert.Equal(0, afterForward - afterTraining);
    }

    [SkippableTheory]
    [MemberData(nameof(FastBackends))]
    public void Every_backend_trains_the_same_network(string backend)
    {
        BlasBackends.Install(new SimdGemmBackend(1));
        var reference = Train();
        BlasBackends.Install(Backends.Get(backend, threads: 1));
        var other = Train();

        foreach (var (a, b) in new[] { (reference.Linear, other.Linear), (reference.Linear2, other.Linear2) })
        {
            float worst = a.Weight.Subtract(b.Weight).Enumerate().Max(Math.Abs);
            float scale = a.Weight.Enumerate().Max(Math.Abs);
            Assert.True(worst <= 1e-4f * scale, $"{a.Name}: difference {worst} against {scale}");
        }
    }

    [SkippableFact]
    public void Auto_picks_a_backend_that_loads_and_says_why()
    {
        var selection = BlasBackends.Select(BlasBackendKind.Auto, 1, GemmShape.TrainingStep([(784, 128), (128, 10)], 32));
        Assert.Contains(selection.Backend.Name, new[] { "simd", "mkl", "openblas" });
        Assert.StartsWith("auto: fastest on this model's products (", selection.Reason);
        Assert.Contains("simd ", selection.Reason);
    }

    private static SeedNetwork Train()
    {
        var network = new SeedNetwork(2);
        new Trainer(network, LearnableData.Dataset(), new TrainingOptions { Steps = 30, BatchSize = 32, EvalEvery = 0, Seed = 2 }).Run();
        return network;
    }

    private static (Matrix<float>, int[]) Batch(int count)
    {
        var random = new Random(5);
        return (Matrix<float>.Build.Dense(784, count, (_, _) => random.NextDouble() < 0.2 ? 1f : 0f), Enumerable.Range(0, count).Select(i => i % 10).ToArray());
    }
}
