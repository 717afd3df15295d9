namespace Mnist.Generators.Model
{
    /// <summary>Mirrors <c>Mnist.Activation</c> (same values); the generator cannot reference the runtime.</summary>
    internal enum ActivationKind
    {
        Identity = 0,
        ReLU = 1,
        Tanh = 2,
        Sigmoid = 3,
    }
}
