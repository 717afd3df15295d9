using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Generators.Tests;

/// <summary>The generated forward, backward and training code against a plain double-precision reference.</summary>
public class NumericalTests
{
    public static TheoryData<string, string> Architectures => new()
    {
        { "Consumer.SeedNet", Specs.Seed },
        { "Consumer.DeepNet", Specs.Deep },
        { "SoftmaxRegression", Specs.Linear },
    };

    /// <summary>Each architecture with dense inputs (BLAS products) and MNIST-like sparse ones (the zero-skipping first layer).</summary>
    public static TheoryData<string, string, double> ArchitecturesAndDensities()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var (type, source) in new[] { ("Consumer.SeedNet", Specs.Seed), ("Consumer.DeepNet", Specs.Deep), ("SoftmaxRegression", Specs.Linear) })
        {
            data.Add(type, source, 1.0);
            data.Add(type, source, 0.2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ArchitecturesAndDensities))]
    public void Backward_matches_central_differences_of_the_double_reference(string typeName, string source, double density)
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(source), typeName, seed: 1);
        var (inputs, labels) = Batch(network.InputSize, 4, seed: 2, density);
        var workspace = network.CreateWorkspace(4);

        float loss = network.Loss(inputs, labels, workspace);
        network.Backward(labels, workspace);
        Assert.Equal(density < Tuning.MaxSparseDensity, workspace.SkippedZeroInputs);

        var layers = ReferenceMlp.DenseLayers(network);
        Assert.Equal(ReferenceMlp.Loss(ReferenceMlp.Logits(layers, inputs), labels), loss, 5);
        Assert.Equal(network.Parameters.Select(p => p.Name), workspace.Gradients.Select(g => g.Name));
        var random = new Random(3);
        foreach (var layer in layers)
        {
            var weight = workspace.Gradients.Single(g => g.Name == $"{layer.Name}.weight");
            var bias = workspace.Gradients.Single(g => g.Name == $"{layer.Name}.bias");
            for (int k = 0; k < 40; k++)
            {
                int o = random.Next(layer.Outputs), i = random.Next(layer.Inputs);
                double numeric = CentralDifference(network, inputs, labels, (lay, oo, ii) => lay == layer && oo == o && ii == i, null);
                AssertClose(numeric, weight[o, i], $"{layer.Name}.weight[{o},{i}]");
            }
            for (int o = 0; o < Math.Min(layer.Outputs, 10); o++)
            {
                double numeric = CentralDifference(network, inputs, labels, null, (lay, oo) => lay == layer && oo == o);
                AssertClose(numeric, bias[o], $"{layer.Name}.bias[{o}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ArchitecturesAndDensities))]
    public void TrainStep_equals_backward_followed_by_an_sgd_update(string typeName, string source, double density)
    {
        var assembly = GeneratorHarness.CompileAndLoad(source);
        var folded = GeneratorHarness.Create(assembly, typeName, seed: 5);
        var separate = GeneratorHarness.Create(assembly, typeName, seed: 5);
        var (inputs, labels) = Batch(folded.InputSize, 8, seed: 6, density);
        var foldedWorkspace = folded.CreateWorkspace(8);
        var separateWorkspace = separate.CreateWorkspace(8);

        float foldedLoss = folded.TrainStep(inputs, labels, 0.1f, foldedWorkspace);
        float separateLoss = separate.Loss(inputs, labels, separateWorkspace);
        separate.Backward(labels, separateWorkspace);
        for (int p = 0; p < separate.Parameters.Count; p++)
        {
            var values = separate.Parameters[p].Values;
            var gradient = separateWorkspace.Gradients[p].Values;
            for (int k = 0; k < values.Length; k++) values[k] -= 0.1f * gradient[k];
        }

        Assert.Equal(separateLoss, foldedLoss);
        for (int p = 0; p < folded.Parameters.Count; p++)
        {
            var a = folded.Parameters[p].Values.ToArray();
            var b = separate.Parameters[p].Values.ToArray();
            Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 1e-6f, folded.Parameters[p].Name);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Training_on_one_batch_drives_its_loss_down(string typeName, string source)
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(source), typeName, seed: 7);
        // MNIST-like inputs: ~100 of 784 pixels inked, so samples differ and |x|^2 stays near MNIST's
        var random = new Random(8);
        var inputs = Matrix<float>.Build.Dense(network.InputSize, 16, (_, _) => random.NextDouble() < 0.13 ? 1f : 0f);
        var labels = Enumerable.Range(0, 16).Select(i => i % 10).ToArray();
        var workspace = network.CreateWorkspace(16);
        float first = network.TrainStep(inputs, labels, 0.1f, workspace);
        for (int i = 0; i < 200; i++) network.TrainStep(inputs, labels, 0.1f, workspace);
        Assert.True(network.Loss(inputs, labels, workspace) < first / 2, $"loss went from {first} to {network.Loss(inputs, labels, workspace)}");
    }

    [Fact]
    public void Seeded_first_forward_pass_equals_a_hand_computed_reference()
    {
        const string tiny = """
            [Mnist.Network(Inputs = 3)]
            [Mnist.Dense(2, Mnist.Activation.ReLU, Name = "hidden")]
            [Mnist.Dense(2, Name = "out")]
            public partial class Tiny;
            """;
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(tiny), "Tiny", seed: 42);

        // PyTorch's nn.Linear init drawn from System.Random(42): each layer's weight row by row,
        // then its bias, every value uniform in ±1/sqrt(fan_in).
        var random = new Random(42);
        double Draw(int fanIn) => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(fanIn));
        double[,] w1 = { { Draw(3), Draw(3), Draw(3) }, { Draw(3), Draw(3), Draw(3) } };
        double[] b1 = [Draw(3), Draw(3)];
        double[,] w2 = { { Draw(2), Draw(2) }, { Draw(2), Draw(2) } };
        double[] b2 = [Draw(2), Draw(2)];
        double[] x = [0.5, -1.0, 2.0];
        double h0 = Math.Max(0, w1[0, 0] * x[0] + w1[0, 1] * x[1] + w1[0, 2] * x[2] + b1[0]);
        double h1 = Math.Max(0, w1[1, 0] * x[0] + w1[1, 1] * x[1] + w1[1, 2] * x[2] + b1[1]);
        double[] expected = [w2[0, 0] * h0 + w2[0, 1] * h1 + b2[0], w2[1, 0] * h0 + w2[1, 1] * h1 + b2[1]];

        var logits = network.Forward(Matrix<float>.Build.DenseOfColumnArrays([0.5f, -1f, 2f]), network.CreateWorkspace(1));

        Assert.Equal(expected[0], logits[0, 0], 6);
        Assert.Equal(expected[1], logits[1, 0], 6);
        Assert.Equal((float)w1[1, 2], ((DenseLayer)network.Layers[0]).Weight[1, 2]);
        Assert.Equal((float)w1[1, 2], network.Parameters[0][1, 2]);
        Assert.InRange(Math.Abs(w1[0, 0]), 0, 1 / Math.Sqrt(3));
    }

    [Fact]
    public void Predict_returns_the_argmax_and_leaves_softmax_probabilities()
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Specs.Seed), "Consumer.SeedNet", seed: 9);
        var (inputs, _) = Batch(784, 5, seed: 10);
        var workspace = network.CreateWorkspace(5);
        var predictions = new int[5];

        network.Predict(inputs, predictions, workspace);

        var reference = ReferenceMlp.Logits(ReferenceMlp.DenseLayers(network), inputs);
        for (int s = 0; s < 5; s++)
        {
            Assert.Equal(Array.IndexOf(reference[s], reference[s].Max()), predictions[s]);
            Assert.Equal(1.0, Enumerable.Range(0, 10).Sum(c => (double)workspace.Probabilities[c, s]), 5);
        }
    }

    [Fact]
    public void Workspace_of_another_batch_size_is_refused_with_the_shapes()
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Specs.Seed), "Consumer.SeedNet", seed: 0);
        var e = Assert.Throws<ArgumentException>(() => network.Forward(Matrix<float>.Build.Dense(784, 3), network.CreateWorkspace(4)));
        Assert.StartsWith("inputs are 784x3; this workspace takes 784x4 (features x samples)", e.Message);
    }

    private static double CentralDifference(INetwork network, Matrix<float> inputs, int[] labels,
        Func<DenseLayer, int, int, bool>? weightSelected, Func<DenseLayer, int, bool>? biasSelected)
    {
        // Double-precision differences of the double reference: h = 1e-5 leaves a truncation error
        // of O(h^2) ~ 1e-10 and a rounding error of ~1e-16/h ~ 1e-11, far below the float gradients' own error.
        const double h = 1e-5;
        double Loss(double delta) => ReferenceMlp.Loss(ReferenceMlp.Logits(ReferenceMlp.DenseLayers(network), inputs,
            (l, o, i) => l.Weight[o, i] + (weightSelected?.Invoke(l, o, i) == true ? delta : 0),
            (l, o) => l.Bias[o] + (biasSelected?.Invoke(l, o) == true ? delta : 0)), labels);
        return (Loss(h) - Loss(-h)) / (2 * h);
    }

    private static void AssertClose(double expected, float actual, string what)
    {
        // float32 sums of a few hundred products carry a relative error of ~1e-6 of the terms'
        // magnitude; 2e-5 absolute plus 1e-3 relative leaves room for that and nothing more.
        double tolerance = 2e-5 + 1e-3 * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: backward {actual}, finite differences {expected}");
    }

    private static (Matrix<float> Inputs, int[] Labels) Batch(int features, int count, int seed, double density = 1.0)
    {
        var random = new Random(seed);
        var inputs = Matrix<float>.Build.Dense(features, count, (_, _) => random.NextDouble() < density ? (float)random.NextDouble() : 0f);
        var labels = Enumerable.Range(0, count).Select(_ => random.Next(10)).ToArray();
        return (inputs, labels);
    }
}
