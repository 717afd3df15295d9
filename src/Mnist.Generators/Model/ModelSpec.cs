using System.Linq;

namespace Mnist.Generators.Model
{
    /// <summary>
    /// Everything the emitter needs to write one network class: plain, equatable values only (no
    /// symbols, syntax or locations), so that unchanged specs are cached between compilations.
    /// </summary>
    /// <param name="Namespace">Containing namespace; null for the global namespace.</param>
    /// <param name="ClassName">The partial class.</param>
    /// <param name="Input">The shape of one input sample.</param>
    /// <param name="Layers">The layers in order; the last gives the logits.</param>
    internal sealed record ModelSpec(string? Namespace, string ClassName, ShapeSpec Input, EquatableArray<LayerSpec> Layers)
    {
        /// <summary>File name of the generated source.</summary>
        public string HintName => (Namespace is null ? ClassName : Namespace + "." + ClassName) + ".g.cs";

        /// <summary>Number of classes.</summary>
        public long Outputs => Layers[Layers.Count - 1].Output.Features;

        /// <summary>Trainable values of every layer.</summary>
        public long ParameterCount => Layers.Sum(l => l.ParameterCount);
    }
}
