using System.Collections.Generic;
using Mnist.Generators.Model;
using static Mnist.Generators.Emitting.Names;

namespace Mnist.Generators.Emitting
{
    /// <summary>Inverted dropout: in training a seeded mask of 0 and 1 / (1 − rate) kept in the workspace for backward; in inference a copy.</summary>
    internal sealed class DropoutEmitter : LayerEmitter
    {
        private const string DropoutKernels = "global::Mnist.Kernels.DropoutKernels";

        public override string RuntimeType => "global::Mnist.DropoutLayer";

        private static DropoutSpec Spec(LayerSpec layer) => (DropoutSpec)layer;

        public override string Construct(LayerSpec layer) =>
            $"new global::Mnist.DropoutLayer(\"{layer.Name}\", new global::Mnist.SampleShape({layer.Input.Arguments}), {Spec(layer).Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, seed)";

        public override string Describe(LayerSpec layer) => $"dropout {Spec(layer).Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} of {layer.Input.Text}";

        public override string Architecture(LayerSpec layer) => "-dropout" + Spec(layer).Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        public override IEnumerable<(string Name, string Type, string Initializer, string Doc)> Buffers(LayerEmitContext c)
        {
            yield return ("Mask", "float[]", $"new float[{Int(c.Layer.Input.Features)} * batchSize]", $"The mask of the last training pass of '{c.Layer.Name}'.");
        }

        public override void EmitForward(LayerEmitContext c) =>
            c.Line($"{DropoutKernels}.Forward({c.Self}, {c.Input}, {c.Output}, {c.Buffer("Mask")}, training);");

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode)
        {
            if (!c.ReadsBatch) c.Line($"{DropoutKernels}.Backward({c.Delta}, {c.Buffer("Mask")}, {c.InputDelta});");
        }
    }
}
