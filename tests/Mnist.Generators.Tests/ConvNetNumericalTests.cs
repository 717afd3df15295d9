using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Generators.Tests;

/// <summary>
/// The generated convolution, pooling, flatten and dropout code against a naive double-precision loop over the
/// same layers, for four architectures (<see cref="Specs.SmallConv"/>, <see cref="Specs.StridedConv"/>,
/// <see cref="Specs.PooledConv"/>, <see cref="Specs.OverlapConv"/>: padding, strides, odd sizes, several input channels,
/// both poolings, overlapping max windows after a ReLU, every activation, dropout; a first layer computed directly and one through the patch matrix): forward, loss,
/// every gradient by central differences, and both training steps.
/// </summary>
public class ConvNetNumericalTests
{
    private const int Samples = 3;

    public static TheoryData<string, string> Architectures => new()
    {
        { "Consumer.SmallConv", Specs.SmallConv },
        { "Consumer.StridedConv", Specs.StridedConv },
        { "Consumer.PooledConv", Specs.PooledConv },
        { "Consumer.OverlapConv", Specs.OverlapConv },
    };

    private static readonly Dictionary<string, System.Reflection.Assembly> s_compiled = new();

    private static INetwork Create(string type, string source)
    {
        lock (s_compiled)
        {
            if (!s_compiled.TryGetValue(type, out var assembly)) s_compiled[type] = assembly = GeneratorHarness.CompileAndLoad(source);
            return GeneratorHarness.Create(assembly, type, seed: 1);
        }
    }

    private static (Matrix<float> Inputs, int[] Labels) Data(INetwork network)
    {
        var random = new Random(2);
        var inputs = Matrix<float>.Build.Dense(network.InputSize, Samples, (_, _) => (float)random.NextDouble());
        return (inputs, Enumerable.Range(0, Samples).Select(_ => random.Next(network.OutputSize)).ToArray());
    }

    /// <summary>The masks of the last training pass, by dropout layer.</summary>
    private static Dictionary<string, double[]> Masks(INetwork network, NetworkWorkspace workspace) =>
        network.Layers.OfType<DropoutLayer>().ToDictionary(d => d.Name, d =>
            ((float[])workspace.GetType().GetProperty(char.ToUpperInvariant(d.Name[0]) + d.Name[1..] + "Mask")!.GetValue(workspace)!).Select(v => (double)v).ToArray());

    private static Dictionary<string, double[]> NoMasks(INetwork network) =>
        network.Layers.OfType<DropoutLayer>().ToDictionary(d => d.Name, d => Enumerable.Repeat(1.0, d.Input.Features * Samples).ToArray());

    /// <summary>The network's parameters in PyTorch's C order, as doubles, by name.</summary>
    private static Dictionary<string, double[]> Parameters(INetwork network) => network.Parameters.ToDictionary(p => p.Name, p =>
    {
        var values = new float[p.Length];
        p.CopyTo(values);
        return values.Select(v => (double)v).ToArray();
    });

    [Fact]
    public void Shapes_and_parameters_follow_pytorch()
    {
        var network = Create("Consumer.SmallConv", Specs.SmallConv);
        Assert.Equal(new SampleShape(2, 7, 7), network.InputShape);
        Assert.Equal(["conv1", "pool1", "conv2", "pool2", "conv3", "flatten6", "dropout7", "hidden", "out"], network.Layers.Select(l => l.Name));
        Assert.Equal(["conv2d", "maxpool2d", "conv2d", "avgpool2d", "conv2d", "flatten", "dropout", "dense", "dense"], network.Layers.Select(l => l.Kind));
        Assert.Equal(new SampleShape(4, 2, 2), network.Layers[2].Output);
        Assert.Equal(new SampleShape(4, 1, 1), network.Layers[3].Output);
        Assert.Equal(SampleShape.Flat(5), network.Layers[5].Output);
        Assert.Equal([3, 2, 3, 3], network.Parameters.Single(p => p.Name == "conv1.weight").Shape);
        Assert.Equal([5, 4, 1, 1], network.Parameters.Single(p => p.Name == "conv3.weight").Shape);
        Assert.Equal([6, 5], network.Parameters.Single(p => p.Name == "hidden.weight").Shape);
        var strided = Create("Consumer.StridedConv", Specs.StridedConv);
        Assert.Equal([new SampleShape(4, 4, 3), new SampleShape(5, 5, 4), new SampleShape(5, 2, 1), SampleShape.Flat(10), SampleShape.Flat(4)], strided.Layers.Select(l => l.Output));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Inference_and_training_passes_match_the_double_reference(string type, string source)
    {
        var network = Create(type, source);
        var (inputs, labels) = Data(network);
        var workspace = network.CreateWorkspace(Samples);
        var p = Parameters(network);

        var logits = network.Forward(inputs, workspace);
        var expected = Reference.Logits(network, p, inputs, NoMasks(network));
        for (int n = 0; n < Samples; n++)
            for (int k = 0; k < network.OutputSize; k++) Assert.Equal(expected[n][k], logits[k, n], 5);
        Assert.Equal(Reference.Loss(network, p, inputs, NoMasks(network), labels), network.EvaluationLoss(inputs, labels, workspace), 5);

        float loss = network.Loss(inputs, labels, workspace);
        var masks = Masks(network, workspace);
        foreach (var dropout in network.Layers.OfType<DropoutLayer>())
            Assert.All(masks[dropout.Name], v => Assert.True(v == 0 || Math.Abs(v - 1 / (1 - dropout.Rate)) < 1e-6, $"mask value {v}"));
        Assert.Equal(Reference.Loss(network, p, inputs, masks, labels), loss, 5);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Backward_matches_central_differences_of_the_double_reference(string type, string source)
    {
        var network = Create(type, source);
        var (inputs, labels) = Data(network);
        var workspace = network.CreateWorkspace(Samples);
        network.Loss(inputs, labels, workspace);
        network.Backward(labels, workspace);
        var masks = Masks(network, workspace);
        var p = Parameters(network);
        Assert.Equal(network.Parameters.Select(t => t.Name), workspace.Gradients.Select(g => g.Name));
        foreach (var gradient in workspace.Gradients)
        {
            var analytic = new float[gradient.Length];
            gradient.CopyTo(analytic);
            var values = p[gradient.Name];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i], h = 1e-6;
                values[i] = saved + h;
                double plus = Reference.Loss(network, p, inputs, masks, labels);
                values[i] = saved - h;
                double minus = Reference.Loss(network, p, inputs, masks, labels);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 + 1e-3 * Math.Abs(numeric), $"{gradient.Name}[{i}]: numeric {numeric}, analytic {analytic[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Both_training_steps_equal_the_gradient_step(string type, string source)
    {
        const float lr = 0.3f;
        var reference = Create(type, source);
        var (inputs, labels) = Data(reference);
        var workspace = reference.CreateWorkspace(Samples);
        float loss = reference.Loss(inputs, labels, workspace);
        reference.Backward(labels, workspace);
        var expected = reference.Parameters.Select((t, i) =>
        {
            var values = t.Values.ToArray();
            var g = workspace.Gradients[i].Values;
            for (int k = 0; k < values.Length; k++) values[k] -= lr * g[k];
            return values;
        }).ToList();

        var fused = Create(type, source);
        Assert.Equal(loss, fused.TrainStep(inputs, labels, lr, fused.CreateWorkspace(Samples)));
        var updated = Create(type, source);
        Assert.Equal(loss, updated.TrainStep(inputs, labels, new PlainSgd(lr), updated.CreateWorkspace(Samples)));
        for (int i = 0; i < expected.Count; i++)
            for (int k = 0; k < expected[i].Length; k++)
            {
                Assert.Equal(expected[i][k], fused.Parameters[i].Values[k], 5);
                Assert.Equal(expected[i][k], updated.Parameters[i].Values[k], 5);
            }
        Assert.All(fused.Layers.OfType<DropoutLayer>(), d => Assert.Equal(1, d.Passes));
    }

    [Fact]
    public void Dropout_masks_are_seeded_by_pass_and_keep_the_rate()
    {
        var a = Create("Consumer.SmallConv", Specs.SmallConv);
        var (inputs, labels) = Data(a);
        var dropout = a.Layers.OfType<DropoutLayer>().Single();
        var wa = a.CreateWorkspace(Samples);
        a.Loss(inputs, labels, wa);
        var first = Masks(a, wa)[dropout.Name];
        a.Loss(inputs, labels, wa);
        Assert.NotEqual(first, Masks(a, wa)[dropout.Name]);
        dropout.Passes = 0;
        a.Loss(inputs, labels, wa);
        Assert.Equal(first, Masks(a, wa)[dropout.Name]);
        // inference draws nothing and changes nothing
        a.Forward(inputs, wa);
        Assert.Equal(1, dropout.Passes);
        // a quarter dropped over a large mask, a half in the other network
        foreach (var (type, source, rate) in new[] { ("Consumer.SmallConv", Specs.SmallConv, 0.25), ("Consumer.PooledConv", Specs.PooledConv, 0.5) })
        {
            var big = Create(type, source);
            var wb = big.CreateWorkspace(1000);
            big.Loss(Matrix<float>.Build.Dense(big.InputSize, 1000, 0.5f), new int[1000], wb);
            var mask = Masks(big, wb).Values.Single();
            double dropped = mask.Count(v => v == 0) / (double)mask.Length;
            Assert.InRange(dropped, rate - 0.02, rate + 0.02);
        }
    }

    private sealed class PlainSgd(float lr) : IParameterUpdate
    {
        public void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient)
        {
            for (int i = 0; i < values.Length; i++) values[i] -= lr * gradient[i];
        }
    }

    /// <summary>Any network of these kinds written out in doubles, one sample at a time, straight from PyTorch's definitions.</summary>
    private static class Reference
    {
        public static double Loss(INetwork network, Dictionary<string, double[]> p, Matrix<float> inputs, Dictionary<string, double[]> masks, int[] labels)
        {
            var logits = Logits(network, p, inputs, masks);
            double sum = 0;
            for (int n = 0; n < logits.Length; n++)
            {
                double max = logits[n].Max();
                double log = Math.Log(logits[n].Sum(z => Math.Exp(z - max))) + max;
                sum += log - logits[n][labels[n]];
            }
            return sum / logits.Length;
        }

        public static double[][] Logits(INetwork network, Dictionary<string, double[]> p, Matrix<float> inputs, Dictionary<string, double[]> masks) =>
            Enumerable.Range(0, inputs.ColumnCount).Select(n =>
            {
                var a = Enumerable.Range(0, inputs.RowCount).Select(r => (double)inputs[r, n]).ToArray();
                foreach (var layer in network.Layers)
                    a = layer switch
                    {
                        Conv2DLayer conv => Activate(Conv(a, conv.Window, p[$"{conv.Name}.weight"], p[$"{conv.Name}.bias"], conv.Filters), conv.Activation),
                        Pool2DLayer pool => Pool(a, pool.Window, pool.IsMax),
                        DropoutLayer drop => a.Select((v, i) => v * masks[drop.Name][n * a.Length + i]).ToArray(),
                        DenseLayer dense => Activate(Dense(a, p[$"{dense.Name}.weight"], p[$"{dense.Name}.bias"], dense.Outputs), dense.Activation),
                        _ => a, // flatten
                    };
                return a;
            }).ToArray();

        private static double[] Activate(double[] z, Activation activation) => activation switch
        {
            Activation.ReLU => z.Select(v => Math.Max(0, v)).ToArray(),
            Activation.Tanh => z.Select(Math.Tanh).ToArray(),
            Activation.Sigmoid => z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
            _ => z,
        };

        private static double[] Conv(double[] x, Window2D g, double[] weight, double[] bias, int filters)
        {
            int c = g.Channels, h = g.Height, w = g.Width, k = g.Size, oh = g.OutputHeight, ow = g.OutputWidth;
            var y = new double[filters * oh * ow];
            for (int f = 0; f < filters; f++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = bias[f];
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++)
                                {
                                    int r = i * g.Stride - g.Padding + u, q = j * g.Stride - g.Padding + v;
                                    if (r >= 0 && r < h && q >= 0 && q < w) sum += weight[((f * c + ch) * k + u) * k + v] * x[(ch * h + r) * w + q];
                                }
                        y[(f * oh + i) * ow + j] = sum;
                    }
            return y;
        }

        private static double[] Pool(double[] x, Window2D g, bool max)
        {
            int oh = g.OutputHeight, ow = g.OutputWidth;
            var y = new double[g.Channels * oh * ow];
            for (int ch = 0; ch < g.Channels; ch++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        var window = from u in Enumerable.Range(0, g.Size) from v in Enumerable.Range(0, g.Size) select x[(ch * g.Height + i * g.Stride + u) * g.Width + j * g.Stride + v];
                        y[(ch * oh + i) * ow + j] = max ? window.Max() : window.Average();
                    }
            return y;
        }

        private static double[] Dense(double[] x, double[] weight, double[] bias, int outputs) =>
            Enumerable.Range(0, outputs).Select(o => bias[o] + Enumerable.Range(0, x.Length).Sum(i => weight[o * x.Length + i] * x[i])).ToArray();
    }
}
