using MathNet.Numerics.LinearAlgebra;

namespace Mnist;

/// <summary>
/// The parameters of one 2-D convolution. <see cref="Weight"/> is stored as PyTorch stores
/// <c>nn.Conv2d.weight</c> [out, in, kh, kw] in C order, which is the column-major patch × out matrix the
/// products use (<see cref="Kernels.ConvKernels"/>); <see cref="Bias"/> has one entry per output channel.
/// </summary>
public sealed class Conv2DLayer : Layer
{
    private readonly Tensor[] _parameters;

    /// <summary>A convolution of <paramref name="filters"/> outputs over <paramref name="window"/>, initialised like <c>nn.Conv2d</c>: weight and bias uniform in ±1/√(in · kh · kw).</summary>
    public Conv2DLayer(string name, Window2D window, int filters, Activation activation, Random random)
        : base(name, "conv2d", new SampleShape(window.Channels, window.Height, window.Width), new SampleShape(filters, window.OutputHeight, window.OutputWidth))
    {
        Window = window;
        Activation = activation;
        int patch = window.Patch;
        Weight = Matrix<float>.Build.Dense(patch, filters);
        Bias = Vector<float>.Build.Dense(filters);
        var weight = Kernels.Gemm.Values(Weight);
        float bound = 1f / MathF.Sqrt(patch);
        // C order of [out, in, kh, kw] is the storage order here, so the draw order is torch's fill order
        for (int i = 0; i < weight.Length; i++) weight[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        for (int o = 0; o < filters; o++) Bias[o] = (float)((random.NextDouble() * 2 - 1) * bound);
        _parameters =
        [
            new Tensor($"{name}.weight", [filters, window.Channels, window.Size, window.Size], weight),
            new Tensor($"{name}.bias", [filters], Kernels.Gemm.Values(Bias)),
        ];
    }

    /// <summary>Where the kernel goes over the input.</summary>
    public Window2D Window { get; }

    /// <summary>The nonlinearity after the convolution.</summary>
    public Activation Activation { get; }

    /// <summary>(in · kh · kw) × out, column-major: PyTorch's [out, in, kh, kw].</summary>
    public Matrix<float> Weight { get; }

    /// <summary>One per output channel.</summary>
    public Vector<float> Bias { get; }

    /// <summary>Output channels.</summary>
    public int Filters => Weight.ColumnCount;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => _parameters;
}
