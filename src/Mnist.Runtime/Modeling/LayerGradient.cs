using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>The gradient of the loss with respect to one layer's parameters (same shapes as the layer's).</summary>
public sealed class LayerGradient(int inputs, int outputs)
{
    /// <summary>d loss / d weight, outputs × inputs.</summary>
    public Matrix<float> Weight { get; } = Matrix<float>.Build.Dense(outputs, inputs);

    /// <summary>d loss / d bias.</summary>
    public Vector<float> Bias { get; } = Vector<float>.Build.Dense(outputs);
}
