namespace Mnist;

/// <summary>
/// Marks a <c>partial class</c> as a network the Mnist source generator compiles. The layers are
/// the class's layer attributes (<see cref="DenseAttribute"/>, ...) in declaration order; the last one
/// gives the logits, and the loss is softmax cross-entropy. The input is a flat vector
/// (<see cref="Inputs"/>) or an image (<see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>).
/// </summary>
/// <example>
/// <code>
/// [Network(Inputs = 784)]
/// [Dense(128, Activation.ReLU, Name = "linear")]
/// [Dense(10, Name = "linear2")]
/// public sealed partial class DigitClassifier;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Number of input features per sample (784 for a 28×28 image taken as a flat vector).</summary>
    public int Inputs { get; set; }

    /// <summary>Channels of an image input (1 for MNIST); set with <see cref="Height"/> and <see cref="Width"/> instead of <see cref="Inputs"/>.</summary>
    public int Channels { get; set; }

    /// <summary>Rows of an image input.</summary>
    public int Height { get; set; }

    /// <summary>Columns of an image input.</summary>
    public int Width { get; set; }
}
