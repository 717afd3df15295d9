namespace Mnist;

/// <summary>The nonlinearity applied after a dense layer's affine map.</summary>
public enum Activation
{
    /// <summary>No nonlinearity: the layer's output is its affine map (use it for the logits layer).</summary>
    Identity = 0,
    /// <summary>max(0, x).</summary>
    ReLU = 1,
    /// <summary>tanh(x).</summary>
    Tanh = 2,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid = 3,
}
