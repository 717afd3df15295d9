namespace Mnist;

/// <summary>A fully connected layer of a <see cref="NetworkAttribute"/> class: <c>y = activation(W x + b)</c>.</summary>
/// <param name="units">Number of outputs of the layer.</param>
/// <param name="activation">The nonlinearity after the affine map.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>Number of outputs of the layer.</summary>
    public int Units { get; } = units;

    /// <summary>The nonlinearity after the affine map.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>
    /// The layer's name: the prefix of its parameters in checkpoints (<c>NAME.weight</c>,
    /// <c>NAME.bias</c>) and, capitalised, the generated property. Default <c>dense1</c>, <c>dense2</c>, ...
    /// </summary>
    public string? Name { get; set; }
}
