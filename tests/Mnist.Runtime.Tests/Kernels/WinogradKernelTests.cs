using MathNet.Numerics.LinearAlgebra;
using Mnist.Kernels;
using static Mnist.Runtime.Tests.Kernels.ConvKernelTests;

namespace Mnist.Runtime.Tests.Kernels;

/// <summary>The Winograd F(2×2, 3×3) forward pass that <see cref="DirectConvKernels"/> takes for 3×3 layers over many channels, against a naive double-precision convolution.</summary>
public class WinogradKernelTests
{
    [Theory]
    [InlineData(32, 13, 13, 0, 64, 1, Activation.ReLU)]     // the convnet's conv2, one image: 6 × 6 tiles, one row block each
    [InlineData(32, 13, 13, 0, 64, 5, Activation.ReLU)]     // a batch, split over the threads
    [InlineData(8, 9, 10, 1, 5, 2, Activation.Identity)]    // the fewest channels, padding, odd outputs: the last tiles write one row or column
    [InlineData(9, 16, 15, 1, 33, 3, Activation.Tanh)]      // filters past one pair of vectors; 8 tile columns: a second, partial row block
    [InlineData(12, 4, 3, 0, 3, 2, Activation.Sigmoid)]     // a 2 × 1 output: one tile, half of it outside
    [InlineData(8, 36, 35, 1, 4, 1, Activation.ReLU)]       // 18 tile columns: rows of tiles longer than the widest vector
    public void Forward_equals_the_naive_convolution_with_its_activation(int channels, int height, int width, int padding, int filters, int samples, Activation activation)
    {
        var g = new Window2D(channels, height, width, 3, 1, padding);
        Assert.True(WinogradKernels.Applies(g));
        var layer = new Conv2DLayer("c", g, filters, activation, new Random(2));
        var scratch = new DirectConvScratch(g, filters);
        Assert.NotNull(scratch.Winograd);
        var y = Matrix<float>.Build.Dense(filters * g.Positions, samples, float.NaN);
        for (int repeat = 0; repeat < 2; repeat++) // the scratch is reused: nothing of one call leaks into the next
        {
            var x = Random(g.InputFeatures, samples, 1 + repeat);
            DirectConvKernels.Forward(x, layer, y, scratch);
            Check(x, layer, y, samples);
        }
    }

    [Fact]
    public void New_weights_or_a_new_bias_are_transformed_again()
    {
        var g = new Window2D(16, 7, 7, 3, 1, 1);
        const int filters = 4, samples = 2;
        var layer = new Conv2DLayer("c", g, filters, Activation.Identity, new Random(2));
        var scratch = new DirectConvScratch(g, filters);
        var x = Random(g.InputFeatures, samples, 1);
        var y = Matrix<float>.Build.Dense(filters * g.Positions, samples);
        DirectConvKernels.Forward(x, layer, y, scratch);
        Check(x, layer, y, samples);

        var weight = layer.Parameters[0].Values;
        weight[weight.Length - 1] += 0.5f; // the last filter's last weight: the one a comparison of a prefix would miss
        DirectConvKernels.Forward(x, layer, y, scratch);
        Check(x, layer, y, samples);

        layer.Bias[filters - 1] -= 1f;
        DirectConvKernels.Forward(x, layer, y, scratch);
        Check(x, layer, y, samples);
    }

    [Theory]
    [InlineData(7, 13, 13, 3)] // too few channels: the transforms would cost more than they save (conv1 has one)
    [InlineData(32, 13, 13, 5)]
    public void Other_layers_keep_the_direct_kernel(int channels, int height, int width, int size)
    {
        var g = new Window2D(channels, height, width, size);
        Assert.False(WinogradKernels.Applies(g));
        Assert.Null(new DirectConvScratch(g, 4).Winograd);
    }

    private static void Check(Matrix<float> x, Conv2DLayer layer, Matrix<float> y, int samples)
    {
        var g = layer.Window;
        var weight = layer.Parameters[0].Values.ToArray();
        for (int n = 0; n < samples; n++)
            for (int f = 0; f < layer.Filters; f++)
                for (int i = 0; i < g.OutputHeight; i++)
                    for (int j = 0; j < g.OutputWidth; j++)
                    {
                        double z = NaiveConv(x, g, weight, f, n, i, j) + layer.Bias[f];
                        double expected = layer.Activation switch
                        {
                            Activation.ReLU => Math.Max(0, z),
                            Activation.Tanh => Math.Tanh(z),
                            Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
                            _ => z,
                        };
                        Close(expected, y[(f * g.OutputHeight + i) * g.OutputWidth + j, n]);
                    }
    }
}
