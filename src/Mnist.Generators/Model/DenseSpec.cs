namespace Mnist.Generators.Model
{
    /// <summary>A fully connected layer: <c>activation(W x + b)</c> over the (flattened) input.</summary>
    internal sealed record DenseSpec(string Name, string PropertyName, ShapeSpec Input, int Units, ActivationKind Activation)
        : LayerSpec(Kinds.DenseKind.KindName, Name, PropertyName, Input, ShapeSpec.Flat(Units))
    {
        public override long ParameterCount => Input.Features * System.Math.Max(Units, 0) + System.Math.Max(Units, 0);
    }
}
