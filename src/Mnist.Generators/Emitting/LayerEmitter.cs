using System.Collections.Generic;
using Mnist.Generators.Model;

namespace Mnist.Generators.Emitting
{
    /// <summary>
    /// Writes one kind of layer's part of a network class: its typed property and construction, its
    /// workspace buffers, its forward and backward code (gradients into the workspace, plain SGD folded in, or an optimizer's update as each gradient is known),
    /// its parameters and gradients, and the matrix products it sends the BLAS backend. A layer reads
    /// <see cref="LayerEmitContext.Input"/> and writes <see cref="LayerEmitContext.Output"/>; backward, it
    /// receives the loss's gradient with respect to its output in <see cref="LayerEmitContext.Delta"/> and
    /// writes the gradient with respect to its input into <see cref="LayerEmitContext.InputDelta"/>.
    /// </summary>
    internal abstract class LayerEmitter
    {
        /// <summary>The runtime class of the layer object (the type of its property).</summary>
        public abstract string RuntimeType { get; }

        /// <summary>The expression that creates the layer object; <c>random</c> (a seeded <c>System.Random</c>) is in scope.</summary>
        public abstract string Construct(LayerSpec layer);

        /// <summary>"dense 784 → 128, ReLU": for comments and XML docs.</summary>
        public abstract string Describe(LayerSpec layer);

        /// <summary>The layer's part of the architecture string, e.g. <c>-128(ReLU)</c>.</summary>
        public abstract string Architecture(LayerSpec layer);

        /// <summary>The layer's parameters: key suffix and shape in PyTorch's layout (for the XML docs).</summary>
        public virtual IEnumerable<(string Name, long[] Shape)> Parameters(LayerSpec layer) { yield break; }

        /// <summary>True when, as the first layer, it reads a batch by its sparse pattern alone (skipping zero inputs).</summary>
        public virtual bool ReadsSparseInputs => false;

        /// <summary>True when the output is the input itself (a reshape): no buffers, no code.</summary>
        public virtual bool AliasesInput => false;

        /// <summary>The workspace type holding the layer's parameter gradients, or null for a layer without parameters.</summary>
        public virtual string? GradientType => null;

        /// <summary>The expression that creates that gradient holder.</summary>
        public virtual string? ConstructGradient(LayerSpec layer) => null;

        /// <summary>Workspace buffers beyond the output and its delta: (property, type, initialiser with <c>batchSize</c> in scope, doc).</summary>
        public virtual IEnumerable<(string Name, string Type, string Initializer, string Doc)> Buffers(LayerEmitContext c) { yield break; }

        /// <summary>
        /// Code at the start of the forward pass, before any layer runs; <c>workspace</c> is in scope. A layer whose work may
        /// split over threads wakes the helpers here, so that they are awake when its turn comes.
        /// </summary>
        public virtual void EmitPassStart(LayerEmitContext c) { }

        /// <summary>Forward code; <c>training</c> (bool) is in scope.</summary>
        public abstract void EmitForward(LayerEmitContext c);

        /// <summary>
        /// Backward code: the error with respect to the input into <see cref="LayerEmitContext.InputDelta"/> (with the
        /// parameters as they were in the forward pass), and the parameters' gradients as <paramref name="mode"/> says —
        /// into the workspace, folded into plain SGD, or handed to <c>update</c>.
        /// </summary>
        public abstract void EmitBackward(LayerEmitContext c, BackwardMode mode);

        /// <summary>Lines adding the layer's BLAS products of one training step to <c>products</c>; <c>batch</c> and <c>sparseInputs</c> are in scope.</summary>
        public virtual void EmitProducts(LayerEmitContext c) { }
    }
}
