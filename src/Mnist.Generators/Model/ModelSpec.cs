namespace Mnist.Generators.Model
{
    /// <summary>
    /// Everything the emitter needs to write one network class: plain, equatable values only (no
    /// symbols, syntax or locations), so that unchanged specs are cached between compilations.
    /// </summary>
    /// <param name="Namespace">Containing namespace; null for the global namespace.</param>
    /// <param name="ClassName">The partial class.</param>
    /// <param name="Inputs">Input features per sample.</param>
    /// <param name="Layers">The layers in order; the last gives the logits.</param>
    internal sealed record ModelSpec(string? Namespace, string ClassName, int Inputs, EquatableArray<LayerSpec> Layers)
    {
        /// <summary>File name of the generated source.</summary>
        public string HintName => (Namespace is null ? ClassName : Namespace + "." + ClassName) + ".g.cs";

        /// <summary>Number of classes.</summary>
        public int Outputs => Layers[Layers.Count - 1].Units;

        /// <summary>Weights and biases of every layer.</summary>
        public long ParameterCount
        {
            get
            {
                long count = 0;
                foreach (var layer in Layers) count += (long)layer.Inputs * layer.Units + layer.Units;
                return count;
            }
        }
    }
}
