namespace Mnist;

/// <summary>
/// Marks a <c>partial class</c> as a network the Mnist source generator compiles. The layers are
/// the class's <see cref="DenseAttribute"/>s in declaration order; the last one gives the logits,
/// and the loss is softmax cross-entropy.
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
    /// <summary>Number of input features per sample (784 for a 28×28 image).</summary>
    public int Inputs { get; set; }
}
