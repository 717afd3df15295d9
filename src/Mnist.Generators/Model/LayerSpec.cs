namespace Mnist.Generators.Model
{
    /// <summary>One dense layer as the emitter needs it.</summary>
    /// <param name="Name">Checkpoint prefix, e.g. <c>linear</c>.</param>
    /// <param name="PropertyName">Generated member prefix, e.g. <c>Linear</c>.</param>
    /// <param name="Inputs">Features in.</param>
    /// <param name="Units">Features out.</param>
    /// <param name="Activation">Nonlinearity after the affine map.</param>
    internal sealed record LayerSpec(string Name, string PropertyName, int Inputs, int Units, ActivationKind Activation);
}
