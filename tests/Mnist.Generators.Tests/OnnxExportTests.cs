using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Mnist.Onnx;

namespace Mnist.Generators.Tests;

/// <summary>
/// Every architecture of the baselines and the numerical tests (every layer kind, activation, stride, padding and
/// pooling) exported, loaded by ONNX Runtime and run on batches of 1 and 1,000: the same argmax and logits within
/// 1e-4 of our own inference pass.
/// </summary>
public class OnnxExportTests
{
    public static TheoryData<string, string> Architectures => new()
    {
        { "Consumer.SeedNet", Specs.Seed },
        { "Consumer.DeepNet", Specs.Deep },
        { "SoftmaxRegression", Specs.Linear },
        { "Consumer.ConvNet", Specs.ConvNet },
        { "Consumer.SmallConv", Specs.SmallConv },
        { "Consumer.StridedConv", Specs.StridedConv },
        { "Consumer.PooledConv", Specs.PooledConv },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Onnx_runtime_computes_our_logits_for_a_symbolic_batch_of_1_and_1000(string type, string source)
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(source), type, seed: 3);
        var bytes = new MemoryStream();
        OnnxExport.Write(network, bytes);
        using var session = new InferenceSession(bytes.ToArray());

        var input = session.InputMetadata.Single();
        Assert.Equal("input", input.Key);
        Assert.Equal(4, input.Value.Dimensions.Length);
        Assert.Equal(-1, input.Value.Dimensions[0]); // symbolic
        Assert.Equal("logits", session.OutputMetadata.Single().Key);
        Assert.Equal(network.Architecture, session.ModelMetadata.CustomMetadataMap["architecture"]);
        var image = input.Value.Dimensions.Skip(1).ToArray();
        Assert.Equal(network.InputSize, image.Aggregate(1, (a, d) => a * d));

        foreach (int samples in new[] { 1, 1000 })
        {
            var random = new Random(samples);
            // MNIST-like: mostly zeros, some values in (0, 1]
            var x = Matrix<float>.Build.Dense(network.InputSize, samples, (_, _) => random.NextDouble() < 0.7 ? 0f : (float)random.NextDouble());
            var ours = network.Forward(x, network.CreateWorkspace(samples));
            var tensor = new DenseTensor<float>(Kernels.Gemm.Values(x), [samples, .. image]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
            var theirs = results.Single().AsEnumerable<float>().ToArray();
            Assert.Equal(samples * network.OutputSize, theirs.Length);
            double worst = 0;
            for (int n = 0; n < samples; n++)
            {
                int best = 0;
                for (int k = 0; k < network.OutputSize; k++)
                {
                    worst = Math.Max(worst, Math.Abs(ours[k, n] - theirs[n * network.OutputSize + k]));
                    if (theirs[n * network.OutputSize + k] > theirs[n * network.OutputSize + best]) best = k;
                }
                int oursBest = Enumerable.Range(0, network.OutputSize).MaxBy(k => ours[k, n]);
                Assert.Equal(oursBest, best);
            }
            Assert.True(worst <= 1e-4, $"{type}, batch {samples}: max |Δ logit| {worst}");
        }
    }

    [Fact]
    public void Softmax_ends_the_graph_with_probabilities_and_the_initializers_carry_the_checkpoint_names()
    {
        var network = GeneratorHarness.Create(GeneratorHarness.CompileAndLoad(Specs.ConvNet), "Consumer.ConvNet", seed: 1);
        var bytes = new MemoryStream();
        OnnxExport.Write(network, bytes, new OnnxExportOptions { Softmax = true, Opset = 17 });
        // file size: the parameters as float32, and a few KB of graph
        long parameters = network.Parameters.Sum(p => (long)p.Length) * 4;
        Assert.InRange(bytes.Length, parameters, parameters + 4096);
        using var session = new InferenceSession(bytes.ToArray());
        Assert.Equal("probabilities", session.OutputMetadata.Single().Key);
        var x = new DenseTensor<float>(new float[784 * 2], [2, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", x)]);
        var p = results.Single().AsEnumerable<float>().ToArray();
        Assert.Equal(1.0, p.Take(10).Sum(), 5);
        // the checkpoint's names, found in the file's bytes
        string text = System.Text.Encoding.UTF8.GetString(bytes.ToArray());
        foreach (var parameter in network.Parameters) Assert.Contains(parameter.Name, text);
    }
}
