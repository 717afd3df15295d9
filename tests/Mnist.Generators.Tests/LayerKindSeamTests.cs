using MathNet.Numerics.LinearAlgebra;
using Microsoft.CodeAnalysis;
using Mnist.Generators.Emitting;
using Mnist.Generators.Kinds;
using Mnist.Generators.Model;
using Mnist.Generators.Parsing;

namespace Mnist.Generators.Tests;

/// <summary>
/// The proof that a new layer kind is one emitter and one registration: an element-wise scaling
/// layer, <c>y = factor · x</c>, declared by an attribute of the consumer's own, parsed, shaped,
/// compiled, and checked against finite differences — without a change to the generator.
/// </summary>
public class LayerKindSeamTests
{
    private sealed record ScaleSpec(string Name, string PropertyName, ShapeSpec Input, double Factor)
        : LayerSpec("scale", Name, PropertyName, Input, Input)
    {
        public override long ParameterCount => 0;
    }

    private sealed class ScaleKind : LayerKind
    {
        public override string Name => "scale";

        public override string AttributeName => "Consumer.ScaleAttribute";

        public override LayerEmitter Emitter { get; } = new ScaleEmitter();

        public override LayerSpec Parse(AttributeData attribute, LayerParseContext context)
        {
            var (name, propertyName) = context.TakeName(attribute, DefaultNamePrefix);
            return new ScaleSpec(name, propertyName, context.Input, LayerParseContext.DoubleArgument(attribute, 0));
        }
    }

    private sealed class ScaleEmitter : LayerEmitter
    {
        private const string Values = "global::Mnist.Kernels.Gemm.Values";
        private const string Multiply = "global::System.Numerics.Tensors.TensorPrimitives.Multiply<float>";

        public override string RuntimeType => "global::Mnist.ParameterlessLayer";

        public override string Construct(LayerSpec layer) =>
            $"new global::Mnist.ParameterlessLayer(\"{layer.Name}\", \"scale\", new global::Mnist.SampleShape({layer.Input.Arguments}), new global::Mnist.SampleShape({layer.Output.Arguments}))";

        public override string Describe(LayerSpec layer) => $"scale by {Names.Float(((ScaleSpec)layer).Factor)}";

        public override string Architecture(LayerSpec layer) => $"-x{((ScaleSpec)layer).Factor}";

        public override void EmitForward(LayerEmitContext c) =>
            c.Line($"{Multiply}({Values}({c.Input}), {Names.Float(((ScaleSpec)c.Layer).Factor)}, {Values}({c.Output}));");

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode)
        {
            if (c.InputDelta is not null)
                c.Line($"{Multiply}({Values}({c.Delta}), {Names.Float(((ScaleSpec)c.Layer).Factor)}, {Values}({c.InputDelta}));");
        }
    }

    private const string Source = """
        using Mnist;
        namespace Consumer;

        [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
        public sealed class ScaleAttribute(float factor) : System.Attribute
        {
            public float Factor { get; } = factor;
            public string? Name { get; set; }
        }

        [Network(Inputs = 6)]
        [Dense(5, Activation.Tanh, Name = "hidden")]
        [Scale(2.5f)]
        [Dense(3, Name = "out")]
        public partial class ScaledNet;
        """;

    private static LayerKinds Kinds => LayerKinds.Default.With(new ScaleKind());

    [Fact]
    public void The_new_kind_parses_with_its_shape_and_compiles_without_warnings()
    {
        var (_, diagnostics, run) = GeneratorHarness.Generate(Kinds, Source);
        Assert.Empty(diagnostics);
        string text = Assert.Single(run.Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Contains("// scale2: scale by 2.5f", text, StringComparison.Ordinal);
        Assert.Contains("Layer 'scale2': scale by 2.5f; a sample 5 → 5.", text, StringComparison.Ordinal);

        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Source, Kinds), "Consumer.ScaledNet", seed: 1);
        Assert.Equal("6-5(Tanh)-x2.5-3", network.Architecture);
        Assert.Equal(["hidden", "scale2", "out"], network.Layers.Select(l => l.Name));
        Assert.Equal(["hidden.weight", "hidden.bias", "out.weight", "out.bias"], network.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Without_the_registration_the_attribute_is_not_a_layer()
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Source), "Consumer.ScaledNet", seed: 1);
        Assert.Equal("6-5(Tanh)-3", network.Architecture);
    }

    [Fact]
    public void Its_backward_pass_matches_central_differences()
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Source, Kinds), "Consumer.ScaledNet", seed: 2);
        var random = new Random(3);
        var inputs = Matrix<float>.Build.Dense(6, 4, (_, _) => (float)random.NextDouble());
        int[] labels = [0, 2, 1, 2];
        var workspace = network.CreateWorkspace(4);
        network.Loss(inputs, labels, workspace);
        network.Backward(labels, workspace);

        var hidden = (DenseLayer)network.Layers[0];
        var output = (DenseLayer)network.Layers[2];
        double Reference(Func<int, int, double> hiddenWeight)
        {
            double total = 0;
            for (int s = 0; s < 4; s++)
            {
                var h = new double[5];
                for (int o = 0; o < 5; o++)
                {
                    double z = hidden.Bias[o];
                    for (int i = 0; i < 6; i++) z += hiddenWeight(o, i) * inputs[i, s];
                    h[o] = 2.5 * Math.Tanh(z);
                }
                var logits = new double[3];
                for (int c = 0; c < 3; c++)
                {
                    logits[c] = output.Bias[c];
                    for (int o = 0; o < 5; o++) logits[c] += output.Weight[c, o] * h[o];
                }
                double max = logits.Max();
                total += max + Math.Log(logits.Sum(z => Math.Exp(z - max))) - logits[labels[s]];
            }
            return total / 4;
        }
        var gradient = workspace.Gradients.Single(g => g.Name == "hidden.weight");
        for (int o = 0; o < 5; o++)
            for (int i = 0; i < 6; i++)
            {
                const double h = 1e-5;
                double numeric = (Reference((oo, ii) => hidden.Weight[oo, ii] + (oo == o && ii == i ? h : 0))
                    - Reference((oo, ii) => hidden.Weight[oo, ii] - (oo == o && ii == i ? h : 0))) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[o, i]) <= 2e-5 + 1e-3 * Math.Abs(numeric), $"hidden.weight[{o},{i}]: {gradient[o, i]} vs {numeric}");
            }
    }
}
