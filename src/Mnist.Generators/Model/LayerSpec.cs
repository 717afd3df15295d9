namespace Mnist.Generators.Model
{
    /// <summary>
    /// One layer as the emitters need it: its kind (which emitter writes it), its names, and the shapes
    /// of a sample going in and coming out, inferred at compile time. Each kind adds its own fields in a
    /// record of its own (<see cref="DenseSpec"/>); all are plain equatable values.
    /// </summary>
    /// <param name="Kind">The kind's name (<c>dense</c>), which selects the emitter.</param>
    /// <param name="Name">Checkpoint prefix, e.g. <c>linear</c>.</param>
    /// <param name="PropertyName">Generated member prefix, e.g. <c>Linear</c>.</param>
    /// <param name="Input">A sample going in.</param>
    /// <param name="Output">A sample coming out.</param>
    internal abstract record LayerSpec(string Kind, string Name, string PropertyName, ShapeSpec Input, ShapeSpec Output)
    {
        /// <summary>Trainable values of the layer.</summary>
        public abstract long ParameterCount { get; }
    }
}
