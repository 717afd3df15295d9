using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using Mnist.LinearAlgebra;
using Mnist.Runtime.Tests.LinearAlgebra;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>The direct convolution's forward pass split over two threads, an image's blocks of filters too (it installs backends: the provider collection).</summary>
[Collection(ProviderCollection.Name)]
public class DirectConvSplitTests
{
    [Theory]
    [InlineData(1)] // one image: its 2.6 M multiply-adds split (Tuning.DirectConvMultiplyAddsPerPart), the helper woken ahead
    [InlineData(4)] // two images a part
    [InlineData(5)] // a part boundary inside an image: its blocks of filters on both threads
    public void Two_threads_compute_what_one_does_bit_for_bit(int samples)
    {
        var g = new Window2D(32, 13, 13, 3);
        var layer = new Conv2DLayer("conv2", g, 64, Activation.ReLU, new Random(3));
        var random = new Random(4);
        var x = Matrix<float>.Build.Dense(g.InputFeatures, samples, (_, _) => (float)random.NextDouble());

        BlasBackends.Install(new SimdGemmBackend(1));
        var alone = Matrix<float>.Build.Dense(64 * g.Positions, samples);
        DirectConvKernels.Forward(x, layer, alone, new DirectConvScratch(g, 64));

        BlasBackends.Install(new SimdGemmBackend(2));
        var scratch = new DirectConvScratch(g, 64);
        Assert.Equal(2, scratch.Parts);
        var split = Matrix<float>.Build.Dense(64 * g.Positions, samples, float.NaN);
        DirectConvKernels.Prewake(samples, layer, scratch);
        DirectConvKernels.Forward(x, layer, split, scratch);
        Assert.Equal(alone.ToColumnMajorArray(), split.ToColumnMajorArray());
    }
}
