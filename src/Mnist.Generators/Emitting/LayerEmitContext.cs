using Mnist.Generators.Model;

namespace Mnist.Generators.Emitting
{
    /// <summary>Where one layer's code goes and the expressions of the buffers around it.</summary>
    internal sealed class LayerEmitContext
    {
        public LayerEmitContext(SourceWriter writer, ModelSpec model, int index, string input, string output, string delta, string? inputDelta, int firstParameter)
        {
            FirstParameter = firstParameter;
            Writer = writer;
            Model = model;
            Index = index;
            Input = input;
            Output = output;
            Delta = delta;
            InputDelta = inputDelta;
        }

        public SourceWriter Writer { get; }

        public ModelSpec Model { get; }

        /// <summary>0-based position of the layer.</summary>
        public int Index { get; }

        public LayerSpec Layer => Model.Layers[Index];

        public bool IsFirst => Index == 0;

        public bool IsLast => Index == Model.Layers.Count - 1;

        /// <summary>The layer object, e.g. <c>Linear</c>.</summary>
        public string Self => Layer.PropertyName;

        /// <summary>The input activations (features × batch); for the first layer, the batch's matrix.</summary>
        public string Input { get; }

        /// <summary>The batch of the forward pass (a first layer that reads sparse inputs takes this instead of <see cref="Input"/>).</summary>
        public string Batch => "workspace.Input";

        /// <summary>The output activations.</summary>
        public string Output { get; }

        /// <summary>d loss / d output, then whatever the layer makes of it in place.</summary>
        public string Delta { get; }

        /// <summary>d loss / d input, written by the layer's backward; null for the first layer.</summary>
        public string? InputDelta { get; }

        /// <summary>True when the layer reads the network's input (every layer before it is a reshape): it has no error to propagate.</summary>
        public bool ReadsBatch => InputDelta is null;

        /// <summary>
        /// True when this layer is a ReLU convolution and a max pooling follows it: the pooling applies the ReLU's derivative to
        /// its own delta (a quarter as many values for 2×2 windows) instead of this layer to its. Exact: a maximum of ReLU
        /// outputs is the ReLU output at its position, so "that value is positive" masks every delta sent there alike.
        /// </summary>
        public bool ReLUDerivativeInNext => ReLUThenMaxPool(Model, Index);

        /// <summary>True when this layer is a max pooling that applies the ReLU derivative of the convolution before it (see <see cref="ReLUDerivativeInNext"/>).</summary>
        public bool AppliesPreviousReLUDerivative => ReLUThenMaxPool(Model, Index - 1);

        private static bool ReLUThenMaxPool(ModelSpec model, int conv) =>
            conv >= 0 && conv + 1 < model.Layers.Count
            && model.Layers[conv] is Conv2DSpec { Activation: ActivationKind.ReLU }
            && model.Layers[conv + 1].Kind == Kinds.PoolKind.MaxName;

        /// <summary>The index in the network's <c>Parameters</c> of the layer's first parameter (its others follow).</summary>
        public int FirstParameter { get; }

        /// <summary>The layer's gradient holder in the workspace.</summary>
        public string Gradient => $"workspace.{Self}Gradient";

        /// <summary>A workspace buffer of the layer, e.g. <c>workspace.Conv1Columns</c>.</summary>
        public string Buffer(string name) => $"workspace.{Self}{name}";

        public void Line(string line) => Writer.Line(line);
    }
}
