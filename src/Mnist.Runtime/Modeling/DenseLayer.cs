using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// The parameters of one dense layer: <see cref="Weight"/> is outputs × inputs (PyTorch's
/// <c>nn.Linear</c> layout), <see cref="Bias"/> has one entry per output.
/// </summary>
public sealed class DenseLayer
{
    /// <summary>A layer initialised like PyTorch's <c>nn.Linear</c>: weight and bias uniform in ±1/√inputs.</summary>
    public DenseLayer(string name, int inputs, int outputs, Activation activation, Random random)
    {
        Name = name;
        Activation = activation;
        Weight = Matrix<float>.Build.Dense(outputs, inputs);
        Bias = Vector<float>.Build.Dense(outputs);
        float bound = 1f / MathF.Sqrt(inputs);
        // Row by row (output by output) like torch's row-major fill, so the draw order is stable.
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                Weight[o, i] = (float)((random.NextDouble() * 2 - 1) * bound);
        for (int o = 0; o < outputs; o++) Bias[o] = (float)((random.NextDouble() * 2 - 1) * bound);
    }

    /// <summary>The layer's name (checkpoint key prefix).</summary>
    public string Name { get; }

    /// <summary>The nonlinearity after the affine map.</summary>
    public Activation Activation { get; }

    /// <summary>outputs × inputs.</summary>
    public Matrix<float> Weight { get; }

    /// <summary>One per output.</summary>
    public Vector<float> Bias { get; }

    /// <summary>Number of inputs.</summary>
    public int Inputs => Weight.ColumnCount;

    /// <summary>Number of outputs.</summary>
    public int Outputs => Weight.RowCount;

    /// <summary>Copies the values of <paramref name="other"/>, which must have the same shape.</summary>
    public void CopyFrom(DenseLayer other)
    {
        if (other.Inputs != Inputs || other.Outputs != Outputs)
            throw new ArgumentException($"layer '{other.Name}' is {other.Outputs}x{other.Inputs}, '{Name}' is {Outputs}x{Inputs}");
        other.Weight.CopyTo(Weight);
        other.Bias.CopyTo(Bias);
    }
}
