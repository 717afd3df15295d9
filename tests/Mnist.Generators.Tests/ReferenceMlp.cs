using MathNet.Numerics.LinearAlgebra;

namespace Mnist.Generators.Tests;

/// <summary>
/// A deliberately plain double-precision MLP (loops, no BLAS, no generated code) to check the
/// generated float code against. Samples are columns, as in the generated code.
/// </summary>
public static class ReferenceMlp
{
    /// <summary>The network's layers, which must all be dense.</summary>
    public static IReadOnlyList<DenseLayer> DenseLayers(INetwork network) => network.Layers.Cast<DenseLayer>().ToList();

    public static double[][] Logits(IReadOnlyList<DenseLayer> layers, Matrix<float> inputs, Func<DenseLayer, int, int, double>? weight = null, Func<DenseLayer, int, double>? bias = null)
    {
        weight ??= (l, o, i) => l.Weight[o, i];
        bias ??= (l, o) => l.Bias[o];
        var result = new double[inputs.ColumnCount][];
        for (int s = 0; s < inputs.ColumnCount; s++)
        {
            double[] activations = Enumerable.Range(0, inputs.RowCount).Select(r => (double)inputs[r, s]).ToArray();
            foreach (var layer in layers)
            {
                var next = new double[layer.Outputs];
                for (int o = 0; o < layer.Outputs; o++)
                {
                    double z = bias(layer, o);
                    for (int i = 0; i < layer.Inputs; i++) z += weight(layer, o, i) * activations[i];
                    next[o] = layer.Activation switch
                    {
                        Activation.ReLU => Math.Max(0, z),
                        Activation.Tanh => Math.Tanh(z),
                        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
                        _ => z,
                    };
                }
                activations = next;
            }
            result[s] = activations;
        }
        return result;
    }

    public static double Loss(double[][] logits, int[] labels)
    {
        double total = 0;
        for (int s = 0; s < logits.Length; s++)
        {
            double max = logits[s].Max();
            double logSumExp = max + Math.Log(logits[s].Sum(z => Math.Exp(z - max)));
            total += logSumExp - logits[s][labels[s]];
        }
        return total / logits.Length;
    }
}
