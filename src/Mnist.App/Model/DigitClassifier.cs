namespace Mnist.App.Model;

/// <summary>
/// The original PyTorch program's network: Linear(784, 128), ReLU, Linear(128, 10), with the same
/// parameter names (<c>linear.weight</c>, ...). Its code is generated at build time.
/// </summary>
[Network(Inputs = 784)]
[Dense(128, Activation.ReLU, Name = "linear")]
[Dense(10, Name = "linear2")]
public sealed partial class DigitClassifier;
