using System.ComponentModel;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>The gradient of the loss with respect to one dense layer's parameters (same shapes as the layer's), and its tensors.</summary>
public sealed class LayerGradient
{
    /// <summary>Buffers for a dense layer <paramref name="name"/> of <paramref name="inputs"/> → <paramref name="outputs"/>; for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LayerGradient(string name, int inputs, int outputs)
    {
        Weight = Matrix<float>.Build.Dense(outputs, inputs);
        Bias = Vector<float>.Build.Dense(outputs);
        Tensors =
        [
            new Tensor($"{name}.weight", [outputs, inputs], Kernels.Gemm.Values(Weight), TensorLayout.ColumnMajor),
            new Tensor($"{name}.bias", [outputs], Kernels.Gemm.Values(Bias)),
        ];
    }

    /// <summary>d loss / d weight, outputs × inputs.</summary>
    public Matrix<float> Weight { get; }

    /// <summary>d loss / d bias.</summary>
    public Vector<float> Bias { get; }

    /// <summary>The two as tensors named like the layer's parameters.</summary>
    public IReadOnlyList<Tensor> Tensors { get; }
}
