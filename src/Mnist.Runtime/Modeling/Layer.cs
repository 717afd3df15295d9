namespace Mnist;

/// <summary>
/// One layer of a compiled network, as the runtime sees it: its name, kind, the shapes of a sample
/// going in and coming out, and its parameters (none for pooling, flattening or dropout). The
/// generated class also exposes each layer through a typed property (<c>net.Linear.Weight</c>).
/// </summary>
public abstract class Layer
{
    /// <summary>A layer named <paramref name="name"/> of <paramref name="kind"/>.</summary>
    protected Layer(string name, string kind, SampleShape input, SampleShape output)
    {
        Name = name;
        Kind = kind;
        Input = input;
        Output = output;
    }

    /// <summary>The layer's name: the prefix of its parameters' keys (<c>linear</c>).</summary>
    public string Name { get; }

    /// <summary>What the layer computes: <c>dense</c>, <c>conv2d</c>, <c>maxpool2d</c>, ...</summary>
    public string Kind { get; }

    /// <summary>The shape of one sample going in.</summary>
    public SampleShape Input { get; }

    /// <summary>The shape of one sample coming out.</summary>
    public SampleShape Output { get; }

    /// <summary>The layer's parameters in checkpoint order (weight, then bias).</summary>
    public abstract IReadOnlyList<Tensor> Parameters { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Kind} {Input} → {Output}";
}

/// <summary>A layer without parameters (pooling, flattening, dropout, ...): its name, kind and shapes only.</summary>
public sealed class ParameterlessLayer(string name, string kind, SampleShape input, SampleShape output) : Layer(name, kind, input, output)
{
    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => [];
}
