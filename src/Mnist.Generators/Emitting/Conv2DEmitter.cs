using System.Collections.Generic;
using Mnist.Generators.Model;
using static Mnist.Generators.Emitting.Names;

namespace Mnist.Generators.Emitting
{
    /// <summary>
    /// A 2-D convolution. Forward, a convolution of stride 1 is computed directly (<c>DirectConvKernels</c>), any other as
    /// matrix products over chunks of samples (<c>ConvKernels</c>: im2col, <c>columns · W</c>). Backward, a first layer of
    /// stride 1 over a small patch computes its gradients directly too; any other goes through <c>ConvKernels</c> (col2im).
    /// Backward passes the error on with the weights before they change, then writes the weight and bias gradients with SGD
    /// folded in (alpha −lr, beta 1), into the workspace, or for the optimizer, which then takes them.
    /// </summary>
    internal sealed class Conv2DEmitter : LayerEmitter
    {
        private const string ConvKernels = "global::Mnist.Kernels.ConvKernels";
        private const string DirectConvKernels = "global::Mnist.Kernels.DirectConvKernels";

        /// <summary>Mirrors <c>DirectConvKernels.MaxPatch</c>.</summary>
        private const int MaxDirectPatch = 32;

        // Forward, the direct kernel beat im2col and a BLAS product for both of the convnet's layers, at one image and at
        // a batch, on every backend (measured: docs/ARCHITECTURE.md); it takes stride 1 only.
        private static bool DirectForward(LayerEmitContext c) => Spec(c.Layer).Stride == 1;

        // A first layer of stride 1 over a small patch (1×3×3: 9 values) computes its gradients directly on the samples: a
        // product with a depth of 9 would spend its time packing and on transposes (measured: docs/ARCHITECTURE.md).
        private static bool DirectBackward(LayerEmitContext c) =>
            c.ReadsBatch && Spec(c.Layer).Stride == 1 && (long)c.Layer.Input.Channels * Spec(c.Layer).Kernel * Spec(c.Layer).Kernel <= MaxDirectPatch;

        public override string RuntimeType => "global::Mnist.Conv2DLayer";

        public override string? GradientType => "global::Mnist.Conv2DGradient";

        private static Conv2DSpec Spec(LayerSpec layer) => (Conv2DSpec)layer;

        private static string Positions(LayerSpec layer) => Int((long)layer.Output.Height * layer.Output.Width);

        public override string Construct(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"new global::Mnist.Conv2DLayer(\"{d.Name}\", {d.Window}, {Int(d.Filters)}, global::Mnist.Activation.{d.Activation}, random)";
        }

        public override IEnumerable<(string Name, long[] Shape)> Parameters(LayerSpec layer)
        {
            var d = Spec(layer);
            yield return ("weight", new long[] { d.Filters, d.Input.Channels, d.Kernel, d.Kernel });
            yield return ("bias", new long[] { d.Filters });
        }

        public override string? ConstructGradient(LayerSpec layer) => $"new global::Mnist.Conv2DGradient(\"{layer.Name}\", {Spec(layer).Window}, {Int(Spec(layer).Filters)})";

        public override string Describe(LayerSpec layer)
        {
            var d = Spec(layer);
            string extra = (d.Stride != 1 ? $", stride {Int(d.Stride)}" : "") + (d.Padding != 0 ? $", padding {Int(d.Padding)}" : "");
            return $"conv2d {d.Input.Text} → {d.Output.Text}, {Int(d.Kernel)}×{Int(d.Kernel)} kernel{extra}, {(d.Activation == ActivationKind.Identity ? "identity" : d.Activation.ToString())}";
        }

        public override string Architecture(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"-conv{Int(d.Filters)}k{Int(d.Kernel)}" + (d.Stride != 1 ? $"s{Int(d.Stride)}" : "") + (d.Padding != 0 ? $"p{Int(d.Padding)}" : "")
                + (d.Activation == ActivationKind.Identity ? "" : "(" + d.Activation + ")");
        }

        public override IEnumerable<(string Name, string Type, string Initializer, string Doc)> Buffers(LayerEmitContext c)
        {
            var d = Spec(c.Layer);
            if (DirectForward(c))
                yield return ("DirectScratch", "global::Mnist.Kernels.DirectConvScratch", $"new global::Mnist.Kernels.DirectConvScratch({d.Window}, {Int(d.Filters)})",
                    $"The padded planes, output rows and gradient sums of '{d.Name}', computed directly, per thread.");
            if (!DirectForward(c) || !DirectBackward(c))
                yield return ("Scratch", "global::Mnist.Kernels.Conv2DScratch", $"new global::Mnist.Kernels.Conv2DScratch({d.Window}, {Int(d.Filters)}, batchSize)",
                    $"The per-thread chunk buffers of '{d.Name}' (patch matrices, products, gradient sums).");
        }

        public override void EmitPassStart(LayerEmitContext c)
        {
            if (DirectForward(c)) c.Line($"{DirectConvKernels}.Prewake(workspace.BatchSize, {c.Self}, {c.Buffer("DirectScratch")});");
        }

        public override void EmitForward(LayerEmitContext c)
        {
            if (DirectForward(c)) c.Line($"{DirectConvKernels}.Forward({c.Input}, {c.Self}, {c.Output}, {c.Buffer("DirectScratch")});");
            else c.Line($"{ConvKernels}.Forward({c.Input}, {c.Self}, {c.Output}, {c.Buffer("Scratch")});");
        }

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode)
        {
            var d = Spec(c.Layer);
            if (d.Activation != ActivationKind.Identity && !c.ReLUDerivativeInNext)
                c.Line($"{DenseKernels}.{d.Activation}Backward({c.Delta}, {c.Output});");
            int weightIndex = c.FirstParameter, biasIndex = c.FirstParameter + 1;
            bool sgd = mode == BackwardMode.Sgd;
            string alpha = sgd ? "-learningRate" : "1f", beta = sgd ? "1f" : "0f";
            string weight = sgd ? $"{c.Self}.Weight" : $"{c.Gradient}.Weight", bias = sgd ? $"{c.Self}.Bias" : $"{c.Gradient}.Bias";
            if (DirectBackward(c))
            {
                c.Line($"{DirectConvKernels}.WeightGradient({c.Input}, {c.Self}, {c.Delta}, {alpha}, {beta}, {Values}({weight}), {Values}({bias}), {c.Buffer("DirectScratch")});");
                EmitUpdate(c, mode, weightIndex, biasIndex);
                return;
            }
            // the error goes back through the weights as they are before this step changes them
            c.Line($"{ConvKernels}.Backward({c.Input}, {c.Self}, {c.Delta}, {c.InputDelta ?? "null"}, {alpha}, {beta}, {Values}({weight}), {Values}({bias}), {c.Buffer("Scratch")});");
            EmitUpdate(c, mode, weightIndex, biasIndex);
        }

        private static void EmitUpdate(LayerEmitContext c, BackwardMode mode, int weightIndex, int biasIndex)
        {
            if (mode != BackwardMode.Update) return;
            c.Line($"update.Update({Int(weightIndex)}, 0, {Values}({c.Self}.Weight), {Values}({c.Gradient}.Weight));");
            c.Line($"update.Update({Int(biasIndex)}, 0, {Values}({c.Self}.Bias), {Values}({c.Gradient}.Bias));");
        }

        public override void EmitProducts(LayerEmitContext c)
        {
            var d = Spec(c.Layer);
            string filters = Int(d.Filters), patch = Int((long)d.Input.Channels * d.Kernel * d.Kernel);
            // a chunk of samples at a time (Conv2DScratch.Chunk)
            string samples = $"global::System.Math.Min(batch, global::Mnist.Kernels.Conv2DScratch.Chunk({patch}, {Positions(d)}))";
            string columns = $"{Positions(d)} * {samples}";
            if (!DirectForward(c)) c.Line($"products.Add(new {GemmShape}(false, false, {columns}, {filters}, {patch}));");
            if (DirectBackward(c)) return; // nothing else of it reaches the BLAS
            c.Line($"products.Add(new {GemmShape}(true, false, {filters}, {patch}, {columns}));");
            if (c.ReadsBatch) return;
            // a stride-1 layer's error goes through the product on the wide grid (Conv2DScratch.WidePositions)
            string errorRows = d.Stride != 1 ? columns : $"{Int((long)d.Output.Height * (d.Input.Width + 2 * d.Padding))} * {samples}";
            c.Line($"products.Add(new {GemmShape}(false, true, {errorRows}, {patch}, {filters}));");
        }
    }
}
