using System.Collections.Generic;
using Mnist.Generators.Model;
using static Mnist.Generators.Emitting.Names;

namespace Mnist.Generators.Emitting
{
    /// <summary>Max pooling (the position of each maximum kept in the workspace for backward) and average pooling, over each channel of NCHW samples.</summary>
    internal sealed class PoolEmitter : LayerEmitter
    {
        private const string PoolKernels = "global::Mnist.Kernels.PoolKernels";

        public override string RuntimeType => "global::Mnist.Pool2DLayer";

        private static PoolSpec Spec(LayerSpec layer) => (PoolSpec)layer;

        private static bool IsMax(LayerSpec layer) => layer.Kind == Kinds.PoolKind.MaxName;

        public override string Construct(LayerSpec layer) => $"new global::Mnist.Pool2DLayer(\"{layer.Name}\", \"{layer.Kind}\", {Spec(layer).Window})";

        public override string Describe(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"{(IsMax(d) ? "max" : "average")} pooling {d.Input.Text} → {d.Output.Text}, {Int(d.Size)}×{Int(d.Size)} windows" + (d.Stride != d.Size ? $", stride {Int(d.Stride)}" : "");
        }

        public override string Architecture(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"-{(IsMax(d) ? "maxpool" : "avgpool")}{Int(d.Size)}" + (d.Stride != d.Size ? $"s{Int(d.Stride)}" : "");
        }

        public override IEnumerable<(string Name, string Type, string Initializer, string Doc)> Buffers(LayerEmitContext c)
        {
            yield return ("Scratch", "global::Mnist.Kernels.Pool2DScratch", $"new global::Mnist.Kernels.Pool2DScratch({(IsMax(c.Layer) ? "true" : "false")}, {Int(c.Layer.Output.Features)}, batchSize)",
                $"Where each maximum of '{c.Layer.Name}' was (max pooling), and its split over the threads.");
        }

        public override void EmitForward(LayerEmitContext c) =>
            c.Line($"{PoolKernels}.Forward({c.Self}, {c.Input}, {c.Output}, {c.Buffer("Scratch")}, training);");

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode)
        {
            if (c.ReadsBatch) return; // nothing before it to propagate to
            if (c.AppliesPreviousReLUDerivative) c.Line($"{DenseKernels}.ReLUBackward({c.Delta}, {c.Output}); // the ReLU's derivative before the pooling: each maximum is a ReLU output");
            c.Line($"{PoolKernels}.Backward({c.Self}, {c.Delta}, {c.InputDelta}, {c.Buffer("Scratch")});");
        }
    }
}
