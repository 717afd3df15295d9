using System.ComponentModel;
using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>The gradient of the loss with respect to one convolution's parameters, in the layer's shapes and storage.</summary>
public sealed class Conv2DGradient
{
    /// <summary>Buffers for a convolution <paramref name="name"/> of <paramref name="filters"/> outputs over <paramref name="window"/>; for generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Conv2DGradient(string name, Window2D window, int filters)
    {
        Weight = Matrix<float>.Build.Dense(window.Patch, filters);
        Bias = Vector<float>.Build.Dense(filters);
        Tensors =
        [
            new Tensor($"{name}.weight", [filters, window.Channels, window.Size, window.Size], Kernels.Gemm.Values(Weight)),
            new Tensor($"{name}.bias", [filters], Kernels.Gemm.Values(Bias)),
        ];
    }

    /// <summary>(in · kh · kw) × out, as <see cref="Conv2DLayer.Weight"/>.</summary>
    public Matrix<float> Weight { get; }

    /// <summary>One per output channel.</summary>
    public Vector<float> Bias { get; }

    /// <summary>Weight and bias as named tensors.</summary>
    public IReadOnlyList<Tensor> Tensors { get; }
}
