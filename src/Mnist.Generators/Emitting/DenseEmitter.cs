using Mnist.Generators.Model;
using static Mnist.Generators.Emitting.Names;

namespace Mnist.Generators.Emitting
{
    /// <summary>
    /// A dense layer: <c>Z = W·X + b</c> and its activation, with the weight in MathNet's column-major
    /// outputs × inputs. As the first layer it reads the batch through <c>SparseProducts</c>, which skips
    /// zero inputs when the batch is sparse enough; every other product goes through MathNet's provider.
    /// The SGD update folds into the weight-gradient product (beta = 1), after the error has been
    /// propagated with the weights before the update; another optimizer's update takes each gradient as soon
    /// as it is computed (the first layer's by blocks of features, so that it never leaves the cache).
    /// </summary>
    internal sealed class DenseEmitter : LayerEmitter
    {
        public override string RuntimeType => "global::Mnist.DenseLayer";

        public override bool ReadsSparseInputs => true;

        public override string? GradientType => "global::Mnist.LayerGradient";

        private static DenseSpec Spec(LayerSpec layer) => (DenseSpec)layer;

        public override string Construct(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"new global::Mnist.DenseLayer(\"{d.Name}\", new global::Mnist.SampleShape({d.Input.Arguments}), {Int(d.Units)}, global::Mnist.Activation.{d.Activation}, random)";
        }

        public override System.Collections.Generic.IEnumerable<(string Name, long[] Shape)> Parameters(LayerSpec layer)
        {
            yield return ("weight", new[] { (long)Spec(layer).Units, layer.Input.Features });
            yield return ("bias", new[] { (long)Spec(layer).Units });
        }

        public override string? ConstructGradient(LayerSpec layer) =>
            $"new global::Mnist.LayerGradient(\"{layer.Name}\", {Int(layer.Input.Features)}, {Int(Spec(layer).Units)})";

        public override string Describe(LayerSpec layer)
        {
            var d = Spec(layer);
            return $"dense {d.Input.Text} → {Int(d.Units)}, {(d.Activation == ActivationKind.Identity ? "identity" : d.Activation.ToString())}";
        }

        public override string Architecture(LayerSpec layer)
        {
            var d = Spec(layer);
            return "-" + Int(d.Units) + (d.Activation == ActivationKind.Identity ? "" : "(" + d.Activation + ")");
        }

        public override void EmitForward(LayerEmitContext c)
        {
            var d = Spec(c.Layer);
            if (c.ReadsBatch) c.Line($"{SparseProducts}.Multiply({c.Self}.Weight, {c.Batch}, {c.Output});");
            else c.Line($"{DenseKernels}.Multiply({c.Self}.Weight, {c.Input}, {c.Output});");
            c.Line($"{DenseKernels}.{(d.Activation == ActivationKind.Identity ? "AddBias" : "AddBias" + d.Activation)}({c.Output}, {c.Self}.Bias);");
        }

        public override void EmitBackward(LayerEmitContext c, BackwardMode mode)
        {
            var d = Spec(c.Layer);
            if (d.Activation != ActivationKind.Identity)
                c.Line($"{DenseKernels}.{d.Activation}Backward({c.Delta}, {c.Output});");
            // the error goes back through the weights before they change
            if (!c.ReadsBatch)
                c.Line($"{Gemm}({Transpose}, {NoTranspose}, 1f, {c.Self}.Weight, {c.Delta}, 0f, {c.InputDelta});");
            int weightIndex = c.FirstParameter, biasIndex = c.FirstParameter + 1;
            if (mode == BackwardMode.Update)
            {
                // the first layer's weight gradient goes to the update feature block by feature block, never whole
                if (c.ReadsBatch) c.Line($"{SparseProducts}.UpdateTransposed({c.Delta}, {c.Batch}, {c.Gradient}.Weight, {c.Self}.Weight, update, {Int(weightIndex)});");
                else
                {
                    c.Line($"{Gemm}({NoTranspose}, {Transpose}, 1f, {c.Delta}, {c.Input}, 0f, {c.Gradient}.Weight);");
                    c.Line($"update.Update({Int(weightIndex)}, 0, {Values}({c.Self}.Weight), {Values}({c.Gradient}.Weight));");
                }
                c.Line($"{DenseKernels}.AccumulateRowSums(1f, {c.Delta}, 0f, {c.Gradient}.Bias);");
                c.Line($"update.Update({Int(biasIndex)}, 0, {Values}({c.Self}.Bias), {Values}({c.Gradient}.Bias));");
                return;
            }
            bool sgd = mode == BackwardMode.Sgd;
            string alpha = sgd ? "-learningRate" : "1f", beta = sgd ? "1f" : "0f";
            string weight = sgd ? $"{c.Self}.Weight" : $"{c.Gradient}.Weight", bias = sgd ? $"{c.Self}.Bias" : $"{c.Gradient}.Bias";
            if (c.ReadsBatch) c.Line($"{SparseProducts}.MultiplyTransposed({alpha}, {c.Delta}, {c.Batch}, {beta}, {weight});");
            else c.Line($"{Gemm}({NoTranspose}, {Transpose}, {alpha}, {c.Delta}, {c.Input}, {beta}, {weight});");
            c.Line($"{DenseKernels}.AccumulateRowSums({alpha}, {c.Delta}, {beta}, {bias});");
        }

        public override void EmitProducts(LayerEmitContext c)
        {
            var d = Spec(c.Layer);
            string units = Int(d.Units), inputs = Int(d.Input.Features);
            string forward = $"products.Add(new {GemmShape}(false, false, {units}, batch, {inputs}));";
            string gradient = $"products.Add(new {GemmShape}(false, true, {units}, {inputs}, batch));";
            if (c.ReadsBatch && !c.IsLast)
            {
                // skipping zeros, these two run in the sparse kernels (a one-layer model has nothing else to time, so it times them anyway)
                c.Writer.Open("if (!sparseInputs)");
                c.Line(forward);
                c.Line(gradient);
                c.Writer.Close();
                return;
            }
            c.Line(forward);
            c.Line(gradient);
            if (!c.ReadsBatch) c.Line($"products.Add(new {GemmShape}(true, false, {inputs}, batch, {units}));");
        }
    }
}
