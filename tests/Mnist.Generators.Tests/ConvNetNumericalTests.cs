using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Generators.Tests;

/// <summary>
/// The generated convolution, pooling, flatten and dropout code against a naive double-precision loop of the
/// same network (<see cref="Specs.SmallConv"/>: padding, stride, max and average pooling, tanh, sigmoid):
/// forward, loss, gradients by central differences, and both training steps.
/// </summary>
public class ConvNetNumericalTests
{
    private const int Samples = 3;

    private static INetwork Create() => GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Specs.SmallConv), "Consumer.SmallConv", seed: 1);

    private static (Matrix<float> Inputs, int[] Labels) Data()
    {
        var random = new Random(2);
        var inputs = Matrix<float>.Build.Dense(2 * 7 * 7, Samples, (_, _) => (float)random.NextDouble());
        return (inputs, Enumerable.Range(0, Samples).Select(_ => random.Next(3)).ToArray());
    }

    private static float[] Mask(NetworkWorkspace workspace) => (float[])workspace.GetType().GetProperty("Dropout7Mask")!.GetValue(workspace)!;

    private static DropoutLayer Dropout(INetwork network) => network.Layers.OfType<DropoutLayer>().Single();

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
        var network = Create();
        Assert.Equal(new SampleShape(2, 7, 7), network.InputShape);
        Assert.Equal(["conv1", "pool1", "conv2", "pool2", "conv3", "flatten6", "dropout7", "hidden", "out"], network.Layers.Select(l => l.Name));
        Assert.Equal(["conv2d", "maxpool2d", "conv2d", "avgpool2d", "conv2d", "flatten", "dropout", "dense", "dense"], network.Layers.Select(l => l.Kind));
        Assert.Equal(new SampleShape(4, 2, 2), network.Layers[2].Output);
        Assert.Equal(new SampleShape(4, 1, 1), network.Layers[3].Output);
        Assert.Equal(SampleShape.Flat(5), network.Layers[5].Output);
        Assert.Equal([3, 2, 3, 3], network.Parameters.Single(p => p.Name == "conv1.weight").Shape);
        Assert.Equal([5, 4, 1, 1], network.Parameters.Single(p => p.Name == "conv3.weight").Shape);
        Assert.Equal([6, 5], network.Parameters.Single(p => p.Name == "hidden.weight").Shape);
    }

    [Fact]
    public void Inference_and_training_passes_match_the_double_reference()
    {
        var network = Create();
        var (inputs, labels) = Data();
        var workspace = network.CreateWorkspace(Samples);
        var p = Parameters(network);

        var logits = network.Forward(inputs, workspace);
        var ones = Enumerable.Repeat(1.0, 5 * Samples).ToArray();
        var expected = Reference.Logits(p, inputs, ones);
        for (int n = 0; n < Samples; n++)
            for (int k = 0; k < 3; k++) Assert.Equal(expected[n][k], logits[k, n], 5);

        float loss = network.Loss(inputs, labels, workspace);
        var mask = Mask(workspace).Select(v => (double)v).ToArray();
        Assert.Contains(0.0, mask);
        Assert.All(mask, v => Assert.True(v == 0 || Math.Abs(v - 4.0 / 3) < 1e-6, $"mask value {v}"));
        Assert.Equal(Reference.Loss(p, inputs, mask, labels), loss, 5);
    }

    [Fact]
    public void Backward_matches_central_differences_of_the_double_reference()
    {
        var network = Create();
        var (inputs, labels) = Data();
        var workspace = network.CreateWorkspace(Samples);
        network.Loss(inputs, labels, workspace);
        network.Backward(labels, workspace);
        var mask = Mask(workspace).Select(v => (double)v).ToArray();
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
                double plus = Reference.Loss(p, inputs, mask, labels);
                values[i] = saved - h;
                double minus = Reference.Loss(p, inputs, mask, labels);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 + 1e-3 * Math.Abs(numeric), $"{gradient.Name}[{i}]: numeric {numeric}, analytic {analytic[i]}");
            }
        }
    }

    [Fact]
    public void Both_training_steps_equal_the_gradient_step()
    {
        var (inputs, labels) = Data();
        const float lr = 0.3f;
        var reference = Create();
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

        var fused = Create();
        Assert.Equal(loss, fused.TrainStep(inputs, labels, lr, fused.CreateWorkspace(Samples)));
        var updated = Create();
        Assert.Equal(loss, updated.TrainStep(inputs, labels, new PlainSgd(lr), updated.CreateWorkspace(Samples)));
        for (int i = 0; i < expected.Count; i++)
            for (int k = 0; k < expected[i].Length; k++)
            {
                Assert.Equal(expected[i][k], fused.Parameters[i].Values[k], 5);
                Assert.Equal(expected[i][k], updated.Parameters[i].Values[k], 5);
            }
        Assert.Equal(1, Dropout(fused).Passes);
    }

    [Fact]
    public void Dropout_masks_are_seeded_by_pass_and_differ_between_passes()
    {
        var (inputs, labels) = Data();
        var a = Create();
        var wa = a.CreateWorkspace(Samples);
        a.Loss(inputs, labels, wa);
        var first = Mask(wa).ToArray();
        a.Loss(inputs, labels, wa);
        Assert.NotEqual(first, Mask(wa));
        Dropout(a).Passes = 0;
        a.Loss(inputs, labels, wa);
        Assert.Equal(first, Mask(wa));
        // a quarter dropped, roughly, over a large mask
        var big = Create();
        var wb = big.CreateWorkspace(1000);
        big.Loss(Matrix<float>.Build.Dense(98, 1000, 0.5f), new int[1000], wb);
        double dropped = Mask(wb).Count(v => v == 0) / (5.0 * 1000);
        Assert.InRange(dropped, 0.23, 0.27);
    }

    private sealed class PlainSgd(float lr) : IParameterUpdate
    {
        public void Update(int parameter, int offset, Span<float> values, ReadOnlySpan<float> gradient)
        {
            for (int i = 0; i < values.Length; i++) values[i] -= lr * gradient[i];
        }
    }

    /// <summary>SmallConv written out in doubles, one sample at a time, straight from PyTorch's definitions.</summary>
    private static class Reference
    {
        public static double Loss(Dictionary<string, double[]> p, Matrix<float> inputs, double[] mask, int[] labels)
        {
            var logits = Logits(p, inputs, mask);
            double sum = 0;
            for (int n = 0; n < logits.Length; n++)
            {
                double max = logits[n].Max();
                double log = Math.Log(logits[n].Sum(z => Math.Exp(z - max))) + max;
                sum += log - logits[n][labels[n]];
            }
            return sum / logits.Length;
        }

        public static double[][] Logits(Dictionary<string, double[]> p, Matrix<float> inputs, double[] mask) =>
            Enumerable.Range(0, inputs.ColumnCount).Select(n =>
            {
                var x = Enumerable.Range(0, inputs.RowCount).Select(r => (double)inputs[r, n]).ToArray();
                var a = Conv(x, 2, 7, 7, p["conv1.weight"], p["conv1.bias"], 3, 3, 1, 1).Select(v => Math.Max(0, v)).ToArray(); // 3×7×7
                a = Pool(a, 3, 7, 7, 2, 2, max: true); // 3×3×3
                a = Conv(a, 3, 3, 3, p["conv2.weight"], p["conv2.bias"], 4, 2, 1, 0).Select(Math.Tanh).ToArray(); // 4×2×2
                a = Pool(a, 4, 2, 2, 2, 1, max: false); // 4×1×1
                return Conv(a, 4, 1, 1, p["conv3.weight"], p["conv3.bias"], 5, 1, 1, 0); // 5×1×1, flattened: 5 features
            }).Select((features, n) => Dense(Dense(Drop(features, mask, n), p["hidden.weight"], p["hidden.bias"], 6).Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
                p["out.weight"], p["out.bias"], 3)).ToArray();

        private static double[] Drop(double[] x, double[] mask, int n) => x.Select((v, i) => v * mask[n * x.Length + i]).ToArray();

        private static double[] Conv(double[] x, int c, int h, int w, double[] weight, double[] bias, int filters, int k, int stride, int pad)
        {
            int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
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
                                    int r = i * stride - pad + u, q = j * stride - pad + v;
                                    if (r >= 0 && r < h && q >= 0 && q < w) sum += weight[((f * c + ch) * k + u) * k + v] * x[(ch * h + r) * w + q];
                                }
                        y[(f * oh + i) * ow + j] = sum;
                    }
            return y;
        }

        private static double[] Pool(double[] x, int c, int h, int w, int size, int stride, bool max)
        {
            int oh = (h - size) / stride + 1, ow = (w - size) / stride + 1;
            var y = new double[c * oh * ow];
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        var window = from u in Enumerable.Range(0, size) from v in Enumerable.Range(0, size) select x[(ch * h + i * stride + u) * w + j * stride + v];
                        y[(ch * oh + i) * ow + j] = max ? window.Max() : window.Average();
                    }
            return y;
        }

        private static double[] Dense(double[] x, double[] weight, double[] bias, int outputs) =>
            Enumerable.Range(0, outputs).Select(o => bias[o] + Enumerable.Range(0, x.Length).Sum(i => weight[o * x.Length + i] * x[i])).ToArray();
    }
}
