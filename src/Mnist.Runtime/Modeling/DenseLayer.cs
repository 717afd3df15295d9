using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// The parameters of one dense layer: <see cref="Weight"/> is outputs × inputs (PyTorch's
/// <c>nn.Linear</c> layout), <see cref="Bias"/> has one entry per output.
/// </summary>
public sealed class DenseLayer : Layer
{
    private readonly Tensor[] _parameters;

    /// <summary>A layer initialised like PyTorch's <c>nn.Linear</c>: weight and bias uniform in ±1/√inputs.</summary>
    public DenseLayer(string name, int inputs, int outputs, Activation activation, Random random)
        : this(name, SampleShape.Flat(inputs), outputs, activation, random)
    {
    }

    /// <summary>A layer over samples of <paramref name="input"/> (flattened), initialised like PyTorch's <c>nn.Linear</c>.</summary>
    public DenseLayer(string name, SampleShape input, int outputs, Activation activation, Random random)
        : base(name, "dense", input, SampleShape.Flat(outputs))
    {
        int inputs = input.Features;
        Activation = activation;
        Weight = Matrix<float>.Build.Dense(outputs, inputs);
        Bias = Vector<float>.Build.Dense(outputs);
        float bound = 1f / MathF.Sqrt(inputs);
        // Row by row (output by output) like torch's row-major fill, so the draw order is stable.
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
                Weight[o, i] = (float)((random.NextDouble() * 2 - 1) * bound);
        for (int o = 0; o < outputs; o++) Bias[o] = (float)((random.NextDouble() * 2 - 1) * bound);
        _parameters =
        [
            new Tensor($"{name}.weight", [outputs, inputs], Kernels.Gemm.Values(Weight), TensorLayout.ColumnMajor),
            new Tensor($"{name}.bias", [outputs], Kernels.Gemm.Values(Bias)),
        ];
    }

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

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Copies the values of <paramref name="other"/>, which must have the same shape.</summary>
    public void CopyFrom(DenseLayer other)
    {
        if (other.Inputs != Inputs || other.Outputs != Outputs)
            throw new ArgumentException($"layer '{other.Name}' is {other.Outputs}x{other.Inputs}, '{Name}' is {Outputs}x{Inputs}");
        other.Weight.CopyTo(Weight);
        other.Bias.CopyTo(Bias);
    }
}
