namespace Mnist;

/// <summary>
/// A 2-D convolution of a <see cref="NetworkAttribute"/> class over a channels × height × width input:
/// <c>y = activation(W ⊛ x + b)</c>, PyTorch's <c>nn.Conv2d</c> (cross-correlation, zero padding, NCHW).
/// </summary>
/// <param name="filters">Output channels.</param>
/// <param name="kernelSize">Height and width of the square kernel.</param>
/// <param name="activation">The nonlinearity after the convolution.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>Output channels.</summary>
    public int Filters { get; } = filters;

    /// <summary>Height and width of the kernel.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>The nonlinearity after the convolution.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Step between two positions of the kernel (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added on every side of the input (default 0).</summary>
    public int Padding { get; set; }

    /// <summary>The layer's name: the prefix of its parameters (<c>NAME.weight</c> [out, in, kh, kw], <c>NAME.bias</c>). Default <c>conv1</c>, ...</summary>
    public string? Name { get; set; }
}
